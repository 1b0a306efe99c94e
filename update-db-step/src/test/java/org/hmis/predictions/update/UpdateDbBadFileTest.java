package org.hmis.predictions.update;

import static org.hmis.predictions.update.GuestsFixture.part;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Stream;
import org.hmis.predictions.common.csv.CsvFormatException;
import org.hmis.predictions.common.csv.PredictionsCsv;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.lambda.trigger.ObjectRef;
import org.hmis.predictions.localservices.TestPostgres;
import org.hmis.predictions.localservices.TestS3;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A bad predictions file is refused with its line and problem, and the database is left exactly as it was:
 * every guest row (values and row versions) and every run record, compared whole.
 */
class UpdateDbBadFileTest {
    @RegisterExtension
    static final UpdateStepFixture FIXTURE = UpdateStepFixture.guestsResetOnce();

    static final TestPostgres PG = FIXTURE.pg();
    static final TestS3 S3 = FIXTURE.s3();

    private static List<String> before;

    @BeforeAll
    static void setUp() throws SQLException {
        // A run already recorded, so the comparison covers prediction_runs too.
        String key = RunKeys.predictionsPart(UpdateDbStepTest.OLDER, 0).key();
        GuestsFixture.put(FIXTURE.store(), S3.bucket(), key, part("6,2026-01-10,temp"), "m");
        FIXTURE.step().apply(new ObjectRef(S3.bucket(), key));
        try (Connection c = PG.connect()) {
            before = GuestsFixture.snapshot(c);
        }
    }

    /** Good rows for the first guests, then the bad line; {@code line} is the bad line's number in the file. */
    static Stream<Arguments> badFiles() {
        String good = "1,2026-01-05,es,0.6,0.1,0.1,0.1,0.1\n2,2026-02-01,temp,0.1,0.1,0.1,0.6,0.1\n";
        String header = PredictionsCsv.V1_HEADER_LINE + "\n";
        return Stream.of(
                Arguments.of("empty object", "", "is empty"),
                Arguments.of("wrong header", "personal_id,enroll_date,prediction\n" + good, "line 1: the header is"),
                Arguments.of(
                        "field missing",
                        header + good + "4,2026-03-01,es,0.5,0.5,0,0\n",
                        "line 4: has 7 fields, expected 8"),
                Arguments.of(
                        "id not a number",
                        header + good + "4x,2026-03-01,es,1,0,0,0,0\n",
                        "line 4: personal_id '4x' is not an integer"),
                Arguments.of(
                        "id missing",
                        header + good + ",2026-03-01,es,1,0,0,0,0\n",
                        "line 4: personal_id '' is not an integer"),
                Arguments.of(
                        "date malformed",
                        header + good + "4,03/01/2026,es,1,0,0,0,0\n",
                        "line 4: enroll_date '03/01/2026' is not a date"),
                Arguments.of(
                        "date beyond year 9999",
                        header + good + "4,+12026-03-01,es,1,0,0,0,0\n",
                        "line 4: enroll_date +12026-03-01 is outside the years 1 to 9999"),
                Arguments.of(
                        "label unknown",
                        header + good + "4,2026-03-01,housed,1,0,0,0,0\n",
                        "line 4: predicted_exit_destination 'housed' is not one of"),
                Arguments.of(
                        "label 'exited'",
                        header + good + "4,2026-03-01,exited,1,0,0,0,0\n",
                        "line 4: predicted_exit_destination 'exited' is not one of"),
                Arguments.of(
                        "probability above 1",
                        header + good + "4,2026-03-01,es,1.01,0,0,0,0\n",
                        "line 4: p_es 1.01 is not a probability in [0, 1]"),
                Arguments.of(
                        "probability below 0",
                        header + good + "4,2026-03-01,es,0,0,0,-0.2,0\n",
                        "line 4: p_temp -0.2 is not a probability in [0, 1]"),
                Arguments.of(
                        "probability NaN",
                        header + good + "4,2026-03-01,es,0,NaN,0,0,0\n",
                        "line 4: p_other NaN is not a probability"),
                Arguments.of(
                        "probability not a number",
                        header + good + "4,2026-03-01,es,0,0,0,0,high\n",
                        "line 4: p_unknown 'high' is not a number"),
                Arguments.of(
                        "probabilities summing to 2.5",
                        header + good + "4,2026-03-01,es,0.5,0.5,0.5,0.5,0.5\n",
                        "line 4: the probabilities p_es..p_unknown sum to 2.5, not 1"),
                Arguments.of(
                        "label the least likely class",
                        header + good + "4,2026-03-01,unknown,0.4,0.3,0.2,0.1,0\n",
                        "line 4: predicted_exit_destination is 'unknown' but the most likely class is 'es'"),
                Arguments.of(
                        "key repeated",
                        header + good + "4,2026-03-01,es,1,0,0,0,0\n1,2026-01-05,perm,0,0,1,0,0\n",
                        "line 5: the key (personal_id, enroll_date) repeats line 2"),
                Arguments.of(
                        "quoted field",
                        header + good + "\"4\",2026-03-01,es,1,0,0,0,0\n",
                        "line 4: personal_id '\"4\"' is not an integer"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void aBadFileIsRefusedNamingTheLineAndLeavesTheDatabaseAsItWas(String kind, String content, String problem)
            throws SQLException {
        String key = RunKeys.predictionsPart(UpdateDbStepTest.RUN, 0).key();
        GuestsFixture.put(FIXTURE.store(), S3.bucket(), key, content, "m");
        CsvFormatException e =
                assertThrows(CsvFormatException.class, () -> FIXTURE.step().apply(new ObjectRef(S3.bucket(), key)));
        assertTrue(e.getMessage().startsWith("s3://" + S3.bucket() + "/" + key + " "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), kind + ": " + e.getMessage());
        assertUnchanged();
    }

    /** The bad line comes after more than one COPY chunk was sent, so the server already holds rows of the part. */
    @Test
    void aBadLineDeepInALargePartStillLeavesTheDatabaseAsItWas() throws SQLException {
        StringBuilder content = new StringBuilder(PredictionsCsv.V1_HEADER_LINE).append('\n');
        content.append("1,2026-01-05,es,0.6,0.1,0.1,0.1,0.1\n");
        int rows = 3 * PredictionsCopy.CHUNK_CHARS / 20;
        for (int i = 0; i < rows; i++) {
            content.append(100_000 + i).append(",2026-01-01,perm,0.1,0.1,0.6,0.1,0.1\n");
        }
        content.append("4,2026-03-01,es,2,0,0,0,0\n");
        String key = RunKeys.predictionsPart(UpdateDbStepTest.RUN, 1).key();
        GuestsFixture.put(FIXTURE.store(), S3.bucket(), key, content.toString(), "m");
        CsvFormatException e =
                assertThrows(CsvFormatException.class, () -> FIXTURE.step().apply(new ObjectRef(S3.bucket(), key)));
        assertTrue(e.getMessage().contains("line " + (rows + 3) + ": p_es 2 is not a probability"), e.getMessage());
        assertUnchanged();
    }

    private static void assertUnchanged() throws SQLException {
        try (Connection c = PG.connect()) {
            assertEquals(before, GuestsFixture.snapshot(c));
        }
    }
}
