package org.hmis.predictions.hmis;

import java.time.LocalDate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one import did.
 *
 * @param version       the export's specification
 * @param exportId      Export.csv's ExportID
 * @param delta         whether it was a delta refresh (merged on the primary keys) rather than a full one (replacing)
 * @param exportEndDate the day the export describes: an exit after it does not count yet
 * @param liveRows      per file loaded, in load order, the rows read that were not soft-deleted
 * @param deletedRows   per file loaded, the soft-deleted rows (in a delta, deletions of earlier rows)
 * @param orphans       rows dropped because the record they belong to is absent or deleted
 * @param guests        the enrollments in hmis_guests after the import
 * @param currentGuests those of them current as of the export's end date
 */
public record ImportSummary(
        HmisVersion version,
        String exportId,
        boolean delta,
        LocalDate exportEndDate,
        Map<String, Long> liveRows,
        Map<String, Long> deletedRows,
        long orphans,
        long guests,
        long currentGuests) {
    public ImportSummary {
        liveRows = Collections.unmodifiableMap(new LinkedHashMap<>(liveRows));
        deletedRows = Collections.unmodifiableMap(new LinkedHashMap<>(deletedRows));
    }
}
