package org.hmis.predictions.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Each function of the template is one step's handler, from that step's shaded jar, on a runtime that can run it. */
class TemplateFunctionsTest {
    private static final Template TEMPLATE = Template.load();
    private static final TemplateEvaluation DEPLOYMENT = Deployments.defaults(TEMPLATE);
    private static final int ONE_VCPU_MB = 1769;

    @Test
    void everyStepIsDeployedByExactlyOneFunction() {
        List<String> modules = TEMPLATE.functions().stream()
                .map(TemplateFunction::module)
                .sorted()
                .toList();
        List<String> steps = Arrays.stream(PipelineStep.values())
                .map(PipelineStep::module)
                .sorted()
                .toList();
        assertEquals(steps, modules, "the template's functions and the pipeline's steps");
    }

    @TestFactory
    Stream<DynamicTest> everyHandlerIsALambdaHandlerClassOfItsOwnModule() {
        return TEMPLATE.functions().stream()
                .map(f -> DynamicTest.dynamicTest(f.logicalId(), () -> {
                    String className = f.handler().split("::", 2)[0];
                    Class<?> handler;
                    try {
                        handler = Class.forName(className, false, getClass().getClassLoader());
                    } catch (ClassNotFoundException e) {
                        throw new AssertionError(
                                f.logicalId() + ": Handler " + f.handler() + " names no class of module " + f.module()
                                        + " (is the class there, and is the module a test dependency of infra?)",
                                e);
                    }
                    assertTrue(
                            RequestStreamHandler.class.isAssignableFrom(handler)
                                    || RequestHandler.class.isAssignableFrom(handler),
                            handler.getName() + " implements neither RequestStreamHandler nor RequestHandler");
                    assertTrue(
                            Modifier.isPublic(handler.getModifiers()) && !Modifier.isAbstract(handler.getModifiers()),
                            handler.getName() + " must be a public concrete class for Lambda to instantiate");
                    assertTrue(
                            Modifier.isPublic(handler.getConstructor().getModifiers()),
                            handler.getName() + " needs a public no-argument constructor");
                    Path loadedFrom = codeSource(handler);
                    assertTrue(
                            loadedFrom.toString().contains("/" + f.module() + "/target/"),
                            handler.getName() + " was loaded from " + loadedFrom + ", not from module " + f.module());
                }));
    }

    @TestFactory
    Stream<DynamicTest> codeUriIsTheShadedJarItsModuleBuilds() {
        return TEMPLATE.functions().stream()
                .map(f -> DynamicTest.dynamicTest(f.logicalId(), () -> {
                    Path moduleDirectory = Template.DIRECTORY.resolveSibling(f.module());
                    String pom = Files.readString(moduleDirectory.resolve("pom.xml"));
                    assertTrue(
                            pom.contains("<artifactId>" + f.module() + "</artifactId>"),
                            moduleDirectory + "/pom.xml is not module " + f.module());
                    assertTrue(
                            pom.contains("<artifactId>maven-shade-plugin</artifactId>"),
                            f.module() + " does not shade: its jar would lack its dependencies");
                    assertEquals(
                            true,
                            f.metadata().get("SkipBuild"),
                            f.logicalId()
                                    + ": Metadata SkipBuild must be true, or sam build tries to build the jar as a source directory");
                    assertTrue(
                            Files.isRegularFile(f.jar()),
                            f.jar() + " is missing: build the modules first (./mvnw -B package)");
                    String handlerEntry = f.handler().split("::", 2)[0].replace('.', '/') + ".class";
                    try (ZipFile jar = new ZipFile(f.jar().toFile())) {
                        assertNotNull(jar.getEntry(handlerEntry), f.jar() + " has no " + handlerEntry);
                        assertNotNull(
                                jar.getEntry("org/hmis/predictions/common/config/PipelineConfig.class"),
                                f.jar() + " is not shaded: it lacks the common module");
                    }
                }));
    }

    @TestFactory
    Stream<DynamicTest> everyFunctionRunsOnJava21WithJsonLogsKeptForAWhile() {
        return TEMPLATE.functions().stream()
                .map(f -> DynamicTest.dynamicTest(f.logicalId(), () -> {
                    assertEquals(
                            "java21",
                            f.properties().get("Runtime"),
                            "the code is Java 17 bytecode; java21 is the runtime on Amazon Linux 2023");
                    int memory =
                            Integer.parseInt(DEPLOYMENT.string(f.properties().get("MemorySize")));
                    int timeout =
                            Integer.parseInt(DEPLOYMENT.string(f.properties().get("Timeout")));
                    assertTrue(memory >= 512 && memory <= 10_240, f.logicalId() + ": MemorySize " + memory);
                    assertTrue(timeout >= 30 && timeout <= 900, f.logicalId() + ": Timeout " + timeout);

                    Map<String, Object> logging = Template.map(f.properties().get("LoggingConfig"));
                    assertEquals(
                            "JSON",
                            logging.get("LogFormat"),
                            "log4j2.xml writes JSON events when the log format is JSON");
                    Object group = DEPLOYMENT.evaluate(logging.get("LogGroup")).orElseThrow();
                    assertTrue(
                            group instanceof TemplateEvaluation.ResourceReference,
                            f.logicalId() + ": LogGroup must be this template's log group");
                    String groupId = ((TemplateEvaluation.ResourceReference) group).logicalId();
                    assertEquals("AWS::Logs::LogGroup", TEMPLATE.type(groupId));
                    Map<String, Object> groupProperties = TEMPLATE.properties(groupId);
                    assertNotNull(groupProperties.get("RetentionInDays"), groupId + " keeps logs forever");
                    assertEquals(
                            "/aws/lambda/" + DEPLOYMENT.string(f.properties().get("FunctionName")),
                            DEPLOYMENT.string(groupProperties.get("LogGroupName")),
                            groupId + " must have the name `sam logs` looks for");
                }));
    }

    @Test
    void predictRunsOnOneFullVcpu() {
        TemplateFunction predict = functionOf(PipelineStep.PREDICT);
        assertEquals(
                String.valueOf(ONE_VCPU_MB),
                DEPLOYMENT.string(predict.properties().get("MemorySize")),
                "the trees are CPU-bound and Lambda gives one full vCPU at 1,769 MB");
    }

    /**
     * Predict evaluates the model with the Java engine: no function carries a native library or needs a layer, so
     * `sam build` needs no Docker and the functions run on any Java runtime and architecture.
     */
    @Test
    void noFunctionNeedsALayerOrNativeCode() throws IOException {
        assertTrue(TEMPLATE.resourcesOfType("AWS::Serverless::LayerVersion").isEmpty(), "the template builds a layer");
        for (TemplateFunction f : TEMPLATE.functions()) {
            assertTrue(f.property("Layers").isEmpty(), f.logicalId() + " uses a layer");
            try (ZipFile jar = new ZipFile(f.jar().toFile())) {
                List<String> nativeCode = jar.stream()
                        .map(ZipEntry::getName)
                        .filter(name -> name.endsWith(".so")
                                || name.endsWith(".dll")
                                || name.endsWith(".dylib")
                                || name.startsWith("lightgbm4j/")
                                || name.startsWith("com/microsoft/ml/lightgbm/"))
                        .limit(5)
                        .toList();
                assertEquals(List.of(), nativeCode, f.jar() + " carries native code");
            }
        }
    }

    /** In the VPC network modes; TemplateNetworkModesTest holds no-vpc. */
    @Test
    void onlyTheStepsThatReachTheDatabaseRunInTheVpc() {
        for (TemplateFunction f : TEMPLATE.functions()) {
            Optional<Object> vpc = f.property("VpcConfig").flatMap(DEPLOYMENT::evaluate);
            assertEquals(
                    f.step().needsDatabase(),
                    vpc.isPresent(),
                    f.logicalId()
                            + (f.step().needsDatabase()
                                    ? " reaches the database and needs VpcConfig"
                                    : " never reaches the database: keep it out of the VPC"));
            if (vpc.isPresent()) {
                Map<String, Object> config = Template.map(vpc.get());
                assertEquals(DEPLOYMENT.parameter("SubnetIds"), config.get("SubnetIds"));
                assertEquals(List.of(DEPLOYMENT.parameter("FunctionSecurityGroupId")), config.get("SecurityGroupIds"));
            }
        }
    }

    /** Each endpoint the VPC functions use has a parameter of its own, so a VPC that has one keeps it. */
    @Test
    void theVpcGetsTheEndpointsItsFunctionsUseEachByItsOwnParameter() {
        // Lambda: wrangle-step queues its own run for POST /refresh through the Invoke API.
        Map<String, String> parameterOfService = Map.of(
                "com.amazonaws.us-east-1.s3 Gateway", "CreateS3GatewayEndpoint",
                "com.amazonaws.us-east-1.secretsmanager Interface", "CreateSecretsManagerEndpoint",
                "com.amazonaws.us-east-1.lambda Interface", "CreateLambdaEndpoint");
        List<String> endpoints = TEMPLATE.resourcesOfType("AWS::EC2::VPCEndpoint");
        Set<String> services = endpoints.stream()
                .map(id -> DEPLOYMENT.string(TEMPLATE.properties(id).get("ServiceName")) + " "
                        + TEMPLATE.properties(id).get("VpcEndpointType"))
                .collect(Collectors.toSet());
        assertEquals(parameterOfService.keySet(), services);
        for (String id : endpoints) {
            Map<String, Object> properties = TEMPLATE.properties(id);
            String service = DEPLOYMENT.string(properties.get("ServiceName")) + " " + properties.get("VpcEndpointType");
            String parameter = parameterOfService.get(service);
            String condition = String.valueOf(TEMPLATE.resource(id).get("Condition"));
            assertEquals("true", TEMPLATE.parameters().get(parameter).get("Default"), parameter);
            for (String value : List.of("true", "false")) {
                TemplateEvaluation d = Deployments.defaultsWith(TEMPLATE, parameter, value);
                assertEquals(value.equals("true"), d.condition(condition), id + " is made exactly when " + parameter);
                parameterOfService.values().stream()
                        .filter(other -> !other.equals(parameter))
                        .forEach(other -> assertEquals(
                                true,
                                Deployments.defaultsWith(TEMPLATE, other, "false")
                                        .condition(condition),
                                id + " does not depend on " + other));
            }
            if ("Interface".equals(properties.get("VpcEndpointType"))) {
                assertEquals(true, properties.get("PrivateDnsEnabled"), id + ": the SDK uses the service's usual name");
                assertEquals(
                        List.of(Map.of("Ref", "EndpointSecurityGroup")),
                        properties.get("SecurityGroupIds"),
                        id + " admits the functions' HTTPS");
            }
        }
        // The interface endpoints' security group exists exactly when one of them does.
        String groupCondition =
                String.valueOf(TEMPLATE.resource("EndpointSecurityGroup").get("Condition"));
        for (TemplateEvaluation d : Deployments.all(TEMPLATE).values()) {
            assertEquals(
                    d.condition("MakeSecretsManagerEndpoint") || d.condition("MakeLambdaEndpoint"),
                    d.condition(groupCondition));
        }
    }

    /** Off unless asked for: SAM writes no TracingConfig and no X-Ray policy for Disabled (SamTransformTest). */
    @Test
    void tracingIsEveryFunctionsAndOffByDefault() {
        Map<String, Object> tracing = TEMPLATE.parameters().get("Tracing");
        assertEquals("Disabled", tracing.get("Default"));
        assertEquals(List.of("Disabled", "PassThrough", "Active"), tracing.get("AllowedValues"));
        for (TemplateFunction f : TEMPLATE.functions()) {
            assertEquals(Optional.of(Map.of("Ref", "Tracing")), f.property("Tracing"), f.logicalId());
        }
    }

    /** Update's reserved concurrency is a choice: none by default (a quota of 10 cannot reserve any), 1 to queue parts. */
    @Test
    void onlyUpdateMayReserveConcurrencyAndOnlyWhenAsked() {
        for (TemplateFunction f : TEMPLATE.functions()) {
            Object reserved = f.properties().get("ReservedConcurrentExecutions");
            if (f.step() != PipelineStep.UPDATE_DB) {
                assertEquals(null, reserved, f.logicalId() + " reserves concurrency");
                continue;
            }
            assertEquals(
                    "", TEMPLATE.parameters().get("UpdateReservedConcurrency").get("Default"));
            assertEquals(Optional.empty(), DEPLOYMENT.evaluate(reserved), "none reserved by default");
            assertEquals(
                    Optional.of("1"),
                    Deployments.defaultsWith(TEMPLATE, "UpdateReservedConcurrency", "1")
                            .evaluate(reserved),
                    "UpdateReservedConcurrency=1 reserves one");
        }
    }

    static TemplateFunction functionOf(PipelineStep step) {
        return TEMPLATE.functions().stream()
                .filter(f -> f.step() == step)
                .findFirst()
                .orElseGet(() -> fail("no function deploys " + step.module()));
    }

    private static Path codeSource(Class<?> type) {
        try {
            return Path.of(
                    type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
