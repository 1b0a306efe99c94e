package org.hmis.predictions.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.hmis.predictions.lambda.tracing.SdkCallTracing;
import org.junit.jupiter.api.Test;

/**
 * The code records the SDK's calls exactly when Lambda traces the function: every function's
 * {@value SdkCallTracing#TRACING} is the template's Tracing parameter, the value its tracing mode is set from, for
 * every value the parameter allows.
 */
class TemplateTracingTest {
    private static final Template TEMPLATE = Template.load();

    @Test
    void everyFunctionsTracingVariableIsItsTracingMode() {
        assertEquals("Disabled", TEMPLATE.parameters().get("Tracing").get("Default"), "off by default");
        assertEquals(
                List.of("Disabled", "PassThrough", "Active"),
                TEMPLATE.parameters().get("Tracing").get("AllowedValues"));
        for (String mode : List.of("Disabled", "PassThrough", "Active")) {
            TemplateEvaluation deployment = Deployments.defaultsWith(TEMPLATE, "Tracing", mode);
            assertEquals(4, TEMPLATE.functions().size());
            for (TemplateFunction f : TEMPLATE.functions()) {
                assertEquals(
                        mode,
                        deployment.string(deployment
                                .evaluate(f.property("Tracing").orElseThrow())
                                .orElseThrow()),
                        f.logicalId() + "'s tracing mode");
                assertEquals(
                        mode,
                        f.environment(deployment).get(SdkCallTracing.TRACING),
                        f.logicalId() + " tells its code the same mode");
            }
        }
    }
}
