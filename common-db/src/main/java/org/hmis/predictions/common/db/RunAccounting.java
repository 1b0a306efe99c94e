package org.hmis.predictions.common.db;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.common.run.RunManifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a run's predictions parts to its manifest, which wrangle records in the run's row ({@value
 * RunLedger#MANIFEST_PARTS}: each wrangled part's key, rows and ETag). A part is applied only if the manifest lists
 * its number, and it was predicted from the wrangled part of that number as the manifest has it (same ETag) with the
 * same rows; a part applied before the manifest was recorded is held to it when the run completes. A run is complete
 * only when every part of its manifest was applied with every row, and no other part was: otherwise it is failed,
 * naming the part.
 */
final class RunAccounting {
    private static final Logger LOG = LoggerFactory.getLogger(RunAccounting.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RUN_ROW = " WHERE run_id = ? AND step = '" + RunLedger.RUN_STEP + "' AND part = ''";

    private RunAccounting() {}

    /**
     * Refuses a predictions part its run's manifest does not list, or lists with another ETag or other rows; a run
     * whose manifest is not recorded yet (still wrangling) is checked when it completes.
     *
     * @throws IllegalStateException naming the part and what differs
     */
    static void checkListed(Connection connection, RunKeys.Part part, String sourceEtag, long rows, String source)
            throws SQLException {
        Optional<List<RunManifest.Part>> manifest = manifestParts(connection, part.runId());
        if (manifest.isEmpty()) {
            return;
        }
        Optional<String> problem = differs(manifest.get(), part, sourceEtag, rows);
        if (problem.isPresent()) {
            throw new IllegalStateException(source + " " + problem.get());
        }
    }

    /**
     * Whether every part of the run's {@code parts} is applied and accounted for. When all are applied but one does
     * not match the manifest, or a part the manifest does not list was applied, the run is recorded failed with the
     * reason and this answers false. A run wrangled before manifests named their parts' ETags is held to the count of
     * its parts alone.
     */
    static boolean allAccountedFor(Connection connection, RunId runId, int parts) throws SQLException {
        Map<String, Applied> applied = applied(connection, runId);
        Optional<List<RunManifest.Part>> manifest = manifestParts(connection, runId);
        if (manifest.isEmpty()) {
            for (int number = 0; number < parts; number++) {
                if (!applied.containsKey(RunKeys.predictionsPart(runId, number).key())) {
                    return false;
                }
            }
            return true;
        }
        List<RunManifest.Part> listed = manifest.get();
        List<String> problems = new ArrayList<>();
        for (int number = 0; number < listed.size(); number++) {
            RunKeys.Part part = RunKeys.predictionsPart(runId, number);
            Applied done = applied.remove(part.key());
            if (done == null) {
                return false;
            }
            differs(listed, part, done.sourceEtag(), done.rows())
                    .ifPresent(problem -> problems.add(part.key() + " " + problem));
        }
        applied.keySet()
                .forEach(key -> problems.add(key + " was applied, but the run's manifest lists " + listed.size()
                        + " parts: it is no part of this run"));
        if (problems.isEmpty()) {
            return true;
        }
        String reason = "not every row of the run's manifest is accounted for: " + String.join("; ", problems);
        LOG.warn("run {}: {}", runId, reason);
        try (PreparedStatement ps = connection.prepareStatement("UPDATE " + RunLedger.TABLE + " SET status = '"
                + RunLedger.FAILED + "', finished_at = clock_timestamp(),"
                + " details = details || jsonb_build_object('error', ?::text)" + RUN_ROW)) {
            ps.setString(1, reason);
            ps.setString(2, runId.value());
            ps.executeUpdate();
        }
        return false;
    }

    /** What about {@code part} differs from the manifest, if anything, as the end of a sentence naming the part. */
    private static Optional<String> differs(
            List<RunManifest.Part> manifest, RunKeys.Part part, String etag, long rows) {
        if (part.number() >= manifest.size()) {
            return Optional.of("is part " + part.number() + " of run " + part.runId() + ", whose manifest lists "
                    + manifest.size() + " parts: it is no part of this run");
        }
        RunManifest.Part listed = manifest.get(part.number());
        String wrangled = RunKeys.wrangledPart(part.runId(), part.number()).key();
        if (!listed.key().equals(wrangled)) {
            return Optional.of("is listed by its run's manifest as " + listed.key() + ", not " + wrangled);
        }
        if (listed.etag() != null && !listed.etag().equals(etag)) {
            return Optional.of("was predicted from " + wrangled + " with ETag " + etag + ", but the run's manifest"
                    + " lists it with ETag " + listed.etag() + ": the wrangled part changed since; predict it again");
        }
        if (listed.rows() != rows) {
            return Optional.of("holds " + rows + " rows, but the run's manifest lists " + listed.rows() + " for "
                    + wrangled + ": the part is not whole; predict it again");
        }
        return Optional.empty();
    }

    /** The parts the run's manifest lists, once wrangle recorded it. */
    private static Optional<List<RunManifest.Part>> manifestParts(Connection connection, RunId runId)
            throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT details -> '" + RunLedger.MANIFEST_PARTS + "' FROM " + RunLedger.TABLE + RUN_ROW)) {
            ps.setString(1, runId.value());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getString(1) == null) {
                    return Optional.empty();
                }
                return Optional.of(List.of(JSON.readValue(rs.getString(1), RunManifest.Part[].class)));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(
                        "run " + runId + ": the manifest's parts in " + RunLedger.TABLE + " are not readable", e);
            }
        }
    }

    /** A predictions part as its update record has it: the wrangled part's ETag it names, and its rows. */
    private record Applied(String sourceEtag, long rows) {}

    /** The run's applied predictions parts, by key. */
    private static Map<String, Applied> applied(Connection connection, RunId runId) throws SQLException {
        Map<String, Applied> applied = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT part, details ->> '" + RunLedger.SOURCE_ETAG
                + "', (details ->> '" + RunLedger.ROWS_IN_PART + "')::bigint FROM " + RunLedger.TABLE
                + " WHERE run_id = ? AND step = '" + RunLedger.UPDATE_STEP + "' AND status = '" + RunLedger.APPLIED
                + "'")) {
            ps.setString(1, runId.value());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    applied.put(rs.getString(1), new Applied(rs.getString(2), rs.getLong(3)));
                }
            }
        }
        return applied;
    }
}
