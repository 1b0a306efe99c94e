package org.hmis.predictions.infra;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.lang.reflect.Constructor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.lambda.StepHandler;
import org.hmis.predictions.lambda.snapstart.Priming;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every function's SnapStart priming hook, run as Lambda runs it before the snapshot, sends nothing anywhere: each
 * handler the template names is built from the template's environment, but with its secret never readable and its
 * database and S3 endpoint where nothing listens (port 9 on this machine), so any secret read, connection or
 * request would fail the hook, as would a sample event the function does not take. remove-exited-predictions's own
 * test shows, on a real database and secret, that no connection outlives the hook and that the handler answers
 * after it.
 */
class SnapStartPrimingTest {
    private static final Template TEMPLATE = Template.load();
    private static final TemplateEvaluation DEPLOYMENT = Deployments.defaults(TEMPLATE);

    @TestFactory
    Stream<DynamicTest> everyFunctionPrimesWithoutAnyServiceOrSecret() {
        assertEquals(
                PipelineStep.values().length, TEMPLATE.functions().size(), "one function per step of the pipeline");
        return TEMPLATE.functions().stream()
                .map(function -> DynamicTest.dynamicTest(function.logicalId(), () -> {
                    StepHandler<?, ?> handler = assertInstanceOf(
                            StepHandler.class,
                            handler(function),
                            function.handler() + " is built on StepHandler, which registers its SnapStart hook");
                    Priming priming = handler.priming();
                    assertDoesNotThrow(() -> priming.beforeCheckpoint(null), function.logicalId());
                    assertDoesNotThrow(() -> priming.afterRestore(null), function.logicalId());
                }));
    }

    /** The template's environment with every service the function could reach replaced by one that is not there. */
    private static Map<String, String> unreachableEnvironment(TemplateFunction function) {
        Map<String, String> env = new LinkedHashMap<>(function.environment(DEPLOYMENT));
        if (function.step().needsDatabase()) {
            Setting.DATABASE.variables().forEach(env::remove);
            env.put(PipelineConfig.DB_SECRET_ARN, "arn:aws:secretsmanager:us-east-1:123456789012:secret:never-read");
            env.put(PipelineConfig.RDS_HOST, "127.0.0.1");
            env.put(PipelineConfig.RDS_PORT, "9");
        }
        if (function.step().settings().contains(Setting.STORAGE)) {
            Setting.STORAGE.variables().forEach(env::remove);
            env.put(PipelineConfig.S3_BUCKET, "priming-bucket");
            env.put(PipelineConfig.S3_ENDPOINT, "http://127.0.0.1:9");
            env.put(PipelineConfig.AWS_REGION, "us-east-1");
        }
        return env;
    }

    private static Object handler(TemplateFunction function) throws ReflectiveOperationException {
        Constructor<?> constructor =
                Class.forName(function.handler().split("::", 2)[0]).getDeclaredConstructor(PipelineConfig.class);
        constructor.setAccessible(true);
        return constructor.newInstance(PipelineConfig.from(unreachableEnvironment(function)));
    }
}
