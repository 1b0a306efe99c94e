package org.hmis.predictions.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/deploy.md can be followed top to bottom on a fresh checkout and says what the template has: it makes the local
 * configuration before using it, answers every parameter, gives a command for each network prerequisite, ends the
 * model upload by enabling the schedules, and counts in its cost what the template bills; docs/operations.md names
 * every alarm; the two name only outputs the stack has.
 */
class DeployGuideTest {
    private static final Path DOCS = Template.DIRECTORY.resolveSibling("docs");
    private static final Template TEMPLATE = Template.load();
    private static final TemplateEvaluation DEFAULTS = Deployments.defaults(TEMPLATE);

    /** docs/deploy.md, whole. */
    private static String section;
    /** docs/operations.md, whole: invoking, alarms, logs. */
    private static String operations;

    @BeforeAll
    static void read() throws IOException {
        section = Files.readString(DOCS.resolve("deploy.md"), StandardCharsets.UTF_8);
        operations = Files.readString(DOCS.resolve("operations.md"), StandardCharsets.UTF_8);
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
        String alarms = subsection(operations, "Alarms and the dashboard");
        Set<String> missing = new TreeSet<>();
        for (String alarm : TEMPLATE.resourcesOfType("AWS::CloudWatch::Alarm")) {
            String named = alarm.endsWith("ErrorsAlarm") ? "<Function>ErrorsAlarm" : alarm;
            if (!alarms.contains("`" + named + "`")) {
                missing.add(alarm);
            }
        }
        assertEquals(Set.of(), missing, "alarms docs/operations.md does not explain");
    }

    @Test
    void everyStackOutputTheGuidesNameExists() {
        String guides = section + operations;
        Set<String> named = new TreeSet<>();
        Matcher queried = Pattern.compile("OutputKey=='([A-Za-z0-9]+)'").matcher(guides);
        while (queried.find()) {
            named.add(queried.group(1));
        }
        Matcher mentioned = Pattern.compile("output `([A-Za-z0-9]+)`").matcher(guides);
        while (mentioned.find()) {
            named.add(mentioned.group(1));
        }
        assertTrue(named.size() >= 4, "outputs named: " + named);
        Set<String> outputs = TEMPLATE.outputs().keySet();
        Set<String> unknown = new TreeSet<>(named);
        unknown.removeAll(outputs);
        assertEquals(Set.of(), unknown, "outputs the stack does not have");
    }

    /**
     * The cost counts what the default deployment bills: an alarm metric per metric each alarm reads, the dashboard at
     * its price, a custom metric per run metric and function that publishes it.
     */
    @Test
    void theCostCountsWhatTheTemplateBills() {
        String cost = subsection("Cost");
        int alarmMetrics = 0;
        for (String id : TEMPLATE.resourcesOfType("AWS::CloudWatch::Alarm")) {
            Map<String, Object> alarm = TEMPLATE.properties(id);
            if (alarm.containsKey("MetricName")) {
                alarmMetrics++;
            } else {
                for (Object query : Template.list(alarm.get("Metrics"))) {
                    Optional<Object> deployed = DEFAULTS.evaluate(query);
                    if (deployed.isPresent() && Template.map(deployed.get()).containsKey("MetricStat")) {
                        alarmMetrics++;
                    }
                }
            }
        }
        String alarms = row(cost, "CloudWatch alarms");
        assertTrue(
                alarms.contains("(" + alarmMetrics + " alarm metrics at $0.10"),
                alarmMetrics + " alarm metrics: " + alarms);
        String monthly = String.format(Locale.ROOT, "$%.2f |", alarmMetrics * 0.10);
        assertTrue(alarms.contains(monthly), "the alarms cost " + monthly + " a month: " + alarms);

        assertEquals(1, TEMPLATE.resourcesOfType("AWS::CloudWatch::Dashboard").size());
        String dashboard = row(cost, "CloudWatch dashboard");
        assertTrue(
                dashboard.contains("$3.00 |") && !dashboard.contains("free"), "the dashboard is counted: " + dashboard);

        int customMetrics = PipelineMetric.ALL.stream()
                .mapToInt(metric -> metric.publishers().size())
                .sum();
        assertTrue(
                row(cost, "custom metrics").contains("custom metrics (" + customMetrics + ","),
                customMetrics + " custom metrics: " + row(cost, "custom metrics"));
    }

    /** The invoke examples name the alias the template publishes, which SnapStart needs, and say they need CLI v2. */
    @Test
    void theInvokeExamplesCallTheAlias() {
        Set<String> aliases = new TreeSet<>();
        TEMPLATE.functions()
                .forEach(function ->
                        aliases.add(String.valueOf(function.properties().get("AutoPublishAlias"))));
        assertEquals(1, aliases.size(), "one alias for every function: " + aliases);
        String alias = aliases.iterator().next();
        String invoking = subsection(operations, "Invoking each trigger in AWS");
        Matcher invoke =
                Pattern.compile("aws lambda invoke --function-name (\\S+)").matcher(invoking);
        assertTrue(invoke.find(), "an aws lambda invoke example");
        do {
            assertTrue(invoke.group(1).endsWith(":" + alias), "invoke the alias " + alias + ": " + invoke.group(0));
        } while (invoke.find());
        assertTrue(invoking.contains("--cli-binary-format") && invoking.contains("v1"), "what CLI v1 does with it");
    }

    private static String row(String text, String label) {
        return text.lines()
                .filter(line -> line.startsWith("| " + label))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no row \"" + label + "\""));
    }

    private static String subsection(String title) {
        return subsection(section, title);
    }

    private static String subsection(String page, String title) {
        int start = page.indexOf("\n## " + title + "\n");
        assertTrue(start >= 0, "no ## " + title);
        int end = page.indexOf("\n## ", start + 1);
        return page.substring(start, end < 0 ? page.length() : end);
    }
}
