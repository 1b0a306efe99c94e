package org.hmis.predictions.lambda.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.lambda.trigger.ObjectRef;
import org.hmis.predictions.lambda.trigger.RunRequest;
import org.junit.jupiter.api.Test;

class RunFieldsTest {
    private static final String RUN = "20261123T060000Z-3f9a";

    @Test
    void aRunRequestNamesItsRunAndNoPart() {
        assertEquals(new RunFields(RUN, null), RunFields.of(RunRequest.fromCaller(RunId.parse(RUN))));
    }

    @Test
    void onePartNamesItsRunAndKey() {
        String key = "predictions/" + RUN + "/part-00001.csv";
        assertEquals(new RunFields(RUN, key), RunFields.ofParts(List.of(new ObjectRef("bucket", key))));
    }

    @Test
    void severalPartsNameTheirRunWhenThereIsOneAndNoKey() {
        ObjectRef first = new ObjectRef("bucket", "wrangled/" + RUN + "/part-00000.csv");
        ObjectRef second = new ObjectRef("bucket", "wrangled/" + RUN + "/part-00001.csv");
        ObjectRef otherRun = new ObjectRef("bucket", "wrangled/20261124T060000Z-0000/part-00000.csv");
        ObjectRef notAPart = new ObjectRef("bucket", "models/current/model.txt");
        assertEquals(new RunFields(RUN, null), RunFields.ofParts(List.of(first, second)));
        assertEquals(new RunFields(null, null), RunFields.ofParts(List.of(first, otherRun)));
        assertEquals(new RunFields(null, null), RunFields.ofParts(List.of(first, notAPart)));
        assertEquals(new RunFields(null, notAPart.key()), RunFields.ofParts(List.of(notAPart)));
    }
}
