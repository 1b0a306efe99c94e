package org.hmis.predictions.update;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.lambda.trigger.ObjectRef;
import org.hmis.predictions.localservices.TestPostgres;
import org.hmis.predictions.localservices.TestS3;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Faults and races with real sessions: the step's backend terminated in the middle of its update, and two
 * runs applying overlapping guests at once, in both orders.
 */
class UpdateDbFaultTest {
    @RegisterExtension
    static final UpdateStepFixture FIXTURE = UpdateStepFixture.freshGuestsEachTest(4);

    static final TestPostgres PG = FIXTURE.pg();
    static final TestS3 S3 = FIXTURE.s3();

    /** Guests 1000..(1000 + EXTRA - 1), all current, so the update has many rows to write before it blocks. */
    private static final int EXTRA = 3_000;

    private static final long WAIT_MILLIS = 60_000;

    private static ExecutorService threads;

    @BeforeAll
    static void setUp() {
        threads = Executors.newFixedThreadPool(2);
    }

    @AfterAll
    static void close() {
        threads.shutdownNow();
    }

    @BeforeEach
    void extraGuests() throws SQLException {
        try (Connection c = PG.connect();
                Statement st = c.createStatement()) {
            st.execute(
                    "INSERT INTO guests (personal_id, enroll_date) SELECT i, DATE '2026-01-01' FROM generate_series(1000, "
                            + (1000 + EXTRA - 1) + ") i");
        }
    }

    private static ObjectRef put(RunId run, int number, String content) {
        String key = RunKeys.predictionsPart(run, number).key();
        GuestsFixture.put(FIXTURE.store(), S3.bucket(), key, content, "m");
        return new ObjectRef(S3.bucket(), key);
    }

    /** A part naming the extra guests and guest 1, every one with {@code label}; the last extra guest comes last. */
    private static String extraGuestsPart(String label) {
        List<String> rows = new ArrayList<>();
        rows.add("1,2026-01-05," + label);
        for (int i = 0; i < EXTRA; i++) {
            rows.add((1000 + i) + ",2026-01-01," + label);
        }
        return GuestsFixture.part(rows.toArray(String[]::new));
    }

    @Test
    void aBackendTerminatedInTheMiddleOfTheUpdateChangesNothingAndARerunAppliesEverything() throws Exception {
        ObjectRef part = put(UpdateDbStepTest.RUN, 0, extraGuestsPart("temp"));
        List<String> before = snapshot();
        try (Connection holder = PG.connect()) {
            // Hold the last guest's row: the update writes its other rows, then waits here.
            holder.setAutoCommit(false);
            try (Statement st = holder.createStatement()) {
                st.executeQuery("SELECT * FROM guests WHERE personal_id = " + (1000 + EXTRA - 1) + " FOR UPDATE")
                        .close();
            }
            Future<UpdateDbStep.Summary> running =
                    threads.submit(() -> FIXTURE.step().apply(part));
            int pid = awaitBackend("Lock", "transactionid", "WITH written AS (INSERT INTO %update_part%");
            try (Connection killer = PG.connect();
                    PreparedStatement ps = killer.prepareStatement("SELECT pg_terminate_backend(?)")) {
                ps.setInt(1, pid);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertTrue(rs.getBoolean(1));
                }
            }
            ExecutionException failed = expectFailure(running);
            assertInstanceOf(SQLException.class, failed.getCause());
            holder.rollback();
        }
        assertEquals(before, snapshot(), "no guest changed and no run was recorded");

        UpdateDbStep.Summary rerun = FIXTURE.step().apply(part);
        assertEquals(UpdateDbStep.APPLIED, rerun.status());
        assertEquals(EXTRA + 1, rerun.applied());
        Map<String, String> p = predictions();
        assertEquals("temp", p.get("1/2026-01-05"));
        for (int i = 0; i < EXTRA; i++) {
            assertEquals("temp", p.get((1000 + i) + "/2026-01-01"));
        }
    }

    @Test
    void theNewerRunWinsWhenTheOlderCommitsFirst() throws Exception {
        Map<RunId, UpdateDbStep.Summary> result = applyBothInOrder(UpdateDbStepTest.RUN, UpdateDbStepTest.NEWER);
        assertEquals(UpdateDbStep.APPLIED, result.get(UpdateDbStepTest.RUN).status());
        assertEquals(UpdateDbStep.APPLIED, result.get(UpdateDbStepTest.NEWER).status());
        assertNewerRunsState();
        assertEquals("es", predictions().get("1/2026-01-05"), "only the older run named guest 1");
    }

    @Test
    void theNewerRunWinsWhenItCommitsFirst() throws Exception {
        Map<RunId, UpdateDbStep.Summary> result = applyBothInOrder(UpdateDbStepTest.NEWER, UpdateDbStepTest.RUN);
        assertEquals(UpdateDbStep.APPLIED, result.get(UpdateDbStepTest.NEWER).status());
        UpdateDbStep.Summary older = result.get(UpdateDbStepTest.RUN);
        assertEquals(UpdateDbStep.APPLIED, older.status());
        assertEquals(EXTRA + 1, older.skipped().stale(), "every guest the newer run wrote is stale");
        assertNewerRunsState();
        assertEquals("es", predictions().get("1/2026-01-05"), "only the older run named guest 1");
    }

    @Test
    void twoRunsLeftToRaceEndInTheNewerRunsState() throws Exception {
        Future<UpdateDbStep.Summary> older = threads.submit(() -> FIXTURE.step().apply(olderPart()));
        Future<UpdateDbStep.Summary> newer = threads.submit(() -> FIXTURE.step().apply(newerPart()));
        assertEquals(
                UpdateDbStep.APPLIED,
                newer.get(WAIT_MILLIS, TimeUnit.MILLISECONDS).status());
        assertEquals(
                UpdateDbStep.APPLIED,
                older.get(WAIT_MILLIS, TimeUnit.MILLISECONDS).status());
        assertNewerRunsState();
        assertEquals("es", predictions().get("1/2026-01-05"), "only the older run named guest 1");
    }

    /** The older run says "es" for guest 1, 4 and the extra guests; the newer says "perm" for 4, 6 and the extra guests. */
    private static ObjectRef olderPart() {
        List<String> rows = new ArrayList<>(List.of("1,2026-01-05,es", "4,2026-03-01,es"));
        for (int i = 0; i < EXTRA; i++) {
            rows.add((1000 + i) + ",2026-01-01,es");
        }
        return put(UpdateDbStepTest.RUN, 0, GuestsFixture.part(rows.toArray(String[]::new)));
    }

    private static ObjectRef newerPart() {
        List<String> rows = new ArrayList<>(List.of("4,2026-03-01,perm", "6,2026-01-10,perm"));
        for (int i = EXTRA - 1; i >= 0; i--) {
            rows.add((1000 + i) + ",2026-01-01,perm");
        }
        return put(UpdateDbStepTest.NEWER, 0, GuestsFixture.part(rows.toArray(String[]::new)));
    }

    private static void assertNewerRunsState() throws SQLException {
        Map<String, String> p = predictions();
        assertEquals("perm", p.get("4/2026-03-01"));
        assertEquals("perm", p.get("6/2026-01-10"));
        for (int i = 0; i < EXTRA; i++) {
            assertEquals("perm", p.get((1000 + i) + "/2026-01-01"), "guest " + (1000 + i));
        }
    }

    /**
     * Both runs copy their parts, then queue on the table's advisory lock, which the test holds; PostgreSQL
     * grants it in queue order, so {@code first} applies and commits before {@code second} takes the lock.
     */
    private Map<RunId, UpdateDbStep.Summary> applyBothInOrder(RunId first, RunId second) throws Exception {
        ObjectRef olderPart = olderPart();
        ObjectRef newerPart = newerPart();
        ObjectRef firstPart = first.equals(UpdateDbStepTest.RUN) ? olderPart : newerPart;
        ObjectRef secondPart = first.equals(UpdateDbStepTest.RUN) ? newerPart : olderPart;
        try (Connection holder = PG.connect()) {
            holder.setAutoCommit(false);
            try (PreparedStatement ps = holder.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                ps.setLong(1, UpdateDbStep.lockKey("public.guests"));
                ps.executeQuery().close();
            }
            Future<UpdateDbStep.Summary> firstApply =
                    threads.submit(() -> FIXTURE.step().apply(firstPart));
            awaitWaiters(1);
            Future<UpdateDbStep.Summary> secondApply =
                    threads.submit(() -> FIXTURE.step().apply(secondPart));
            awaitWaiters(2);
            holder.rollback();
            return Map.of(
                    first,
                    firstApply.get(WAIT_MILLIS, TimeUnit.MILLISECONDS),
                    second,
                    secondApply.get(WAIT_MILLIS, TimeUnit.MILLISECONDS));
        }
    }

    private static void awaitWaiters(int count) throws Exception {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            if (backends("Lock", "advisory", "SELECT pg_advisory_xact_lock%").size() == count) {
                return;
            }
            Thread.sleep(20);
        }
        fail(count + " updates never queued on the advisory lock");
    }

    /** The pid of the one other backend of this database waiting on {@code event} while running a query like {@code query}. */
    private static int awaitBackend(String eventType, String event, String query) throws Exception {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            List<Integer> pids = backends(eventType, event, query);
            if (pids.size() == 1) {
                return pids.get(0);
            }
            Thread.sleep(20);
        }
        fail("the step never waited on " + event + " running " + query);
        return -1;
    }

    private static List<Integer> backends(String eventType, String event, String query) throws SQLException {
        List<Integer> pids = new ArrayList<>();
        try (Connection c = PG.connect();
                PreparedStatement ps = c.prepareStatement("SELECT pid FROM pg_stat_activity"
                        + " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                        + " AND wait_event_type = ? AND wait_event = ? AND query LIKE ?")) {
            ps.setString(1, eventType);
            ps.setString(2, event);
            ps.setString(3, query);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    pids.add(rs.getInt(1));
                }
            }
        }
        return pids;
    }

    private static ExecutionException expectFailure(Future<?> running) throws Exception {
        try {
            running.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return e;
        }
        return fail("the step finished although its backend was terminated");
    }

    private static Map<String, String> predictions() throws SQLException {
        try (Connection c = PG.connect()) {
            return GuestsFixture.predictions(c);
        }
    }

    private static List<String> snapshot() throws SQLException {
        try (Connection c = PG.connect()) {
            return GuestsFixture.snapshot(c);
        }
    }
}
