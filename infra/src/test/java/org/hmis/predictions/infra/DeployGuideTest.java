package org.hmis.predictions.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * README.md's "Deploy to AWS" can be followed top to bottom on a fresh checkout and says what the template has: it
 * makes the local configuration before using it, answers every parameter, gives a command for each network
 * prerequisite, ends the model upload by enabling the schedules, names every alarm, and names only outputs the
 * stack has.
 */
class ReadmeDeploySectionTest {
    private static final Path README = Template.DIRECTORY.resolveSibling("README.md");
    private static final Template TEMPLATE = Template.load();

    private static String section;

    @BeforeAll
    static void read() throws IOException {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        int start = readme.indexOf("\n## Deploy to AWS\n");
        assertTrue(start >= 0, "README.md has no section ## Deploy to AWS");
        int end = readme.indexOf("\n## ", start + 1);
        section = readme.substring(start, end < 0 ? readme.length() : end);
    }

    @Test
    void theLocalConfigurationIsMadeFromTheCommittedOneBeforeItIsUsed() {
        int copy = section.indexOf("cp samconfig.toml samconfig.local.toml");
        int firstUse = section.indexOf("--config-file samconfig.local.toml");
        assertTrue(copy >= 0, "the section never makes samconfig.local.toml");
        assertTrue(
                firstUse > copy,
                "`sam deploy --config-file samconfig.local.toml` fails on a fresh checkout unless the file is made first");
        assertTrue(Files.isRegularFile(Template.DIRECTORY.resolve("samconfig.toml")));
    }

    @Test
    void everyParameterOfTheTemplateIsExplained() {
        Set<String> missing = new TreeSet<>();
        for (String parameter : TEMPLATE.parameters().keySet()) {
            if (!Pattern.compile("\\b" + parameter + "\\b").matcher(section).find()) {
                missing.add(parameter);
            }
        }
        assertEquals(Set.of(), missing, "parameters the deploy section does not explain");
    }

    @Test
    void everyNetworkPrerequisiteHasItsCommand() {
        for (String command : List.of(
                "aws ec2 describe-vpc-attribute", // DNS support in the VPC
                "aws ec2 modify-vpc-attribute",
                "aws ec2 describe-route-tables", // the subnets' route tables
                "aws ec2 create-security-group", // the functions' security group
                "aws ec2 authorize-security-group-ingress --group-id \"$DB_SG\" --protocol tcp --port 5432",
                "aws ec2 describe-vpc-endpoints")) { // which endpoints the VPC has already
            assertTrue(section.contains(command), "no `" + command + "` in the deploy section");
        }
    }

    @Test
    void uploadingTheModelEndsByEnablingTheSchedules() {
        String upload = subsection("Upload the model");
        assertTrue(upload.contains("ScheduleState"), "the upload subsection does not enable the schedules");
        assertTrue(upload.contains("ENABLED"), "the upload subsection does not enable the schedules");
        assertTrue(
                upload.lastIndexOf("sam deploy") > upload.lastIndexOf("aws s3 cp"),
                "the schedules are enabled after the model is uploaded");
        assertEquals("DISABLED", TEMPLATE.parameters().get("ScheduleState").get("Default"));
        String rollBack = subsection("Roll back a model");
        assertTrue(rollBack.contains("aws s3api copy-object") && rollBack.contains("versionId"), "a rollback command");
    }

    @Test
    void everyAlarmIsInTheAlarmTable() {
        Set<String> missing = new TreeSet<>();
        for (String alarm : TEMPLATE.resourcesOfType("AWS::CloudWatch::Alarm")) {
            String named = alarm.endsWith("ErrorsAlarm") ? "<Function>ErrorsAlarm" : alarm;
            if (!section.contains("`" + named + "`")) {
                missing.add(alarm);
            }
        }
        assertEquals(Set.of(), missing, "alarms the deploy section does not explain");
    }

    @Test
    void everyStackOutputTheSectionNamesExists() {
        Set<String> named = new TreeSet<>();
        Matcher queried = Pattern.compile("OutputKey=='([A-Za-z0-9]+)'").matcher(section);
        while (queried.find()) {
            named.add(queried.group(1));
        }
        Matcher mentioned = Pattern.compile("output `([A-Za-z0-9]+)`").matcher(section);
        while (mentioned.find()) {
            named.add(mentioned.group(1));
        }
        assertTrue(named.size() >= 4, "outputs named: " + named);
        Set<String> outputs = TEMPLATE.outputs().keySet();
        Set<String> unknown = new TreeSet<>(named);
        unknown.removeAll(outputs);
        assertEquals(Set.of(), unknown, "outputs the stack does not have");
    }

    private static String subsection(String title) {
        int start = section.indexOf("\n### " + title + "\n");
        assertTrue(start >= 0, "the deploy section has no ### " + title);
        int end = section.indexOf("\n### ", start + 1);
        return section.substring(start, end < 0 ? section.length() : end);
    }
}
