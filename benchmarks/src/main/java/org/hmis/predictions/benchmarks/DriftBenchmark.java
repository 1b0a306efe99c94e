package org.hmis.predictions.benchmarks;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.drift.DriftAssessment;
import org.hmis.predictions.common.drift.DriftBaseline;
import org.hmis.predictions.common.drift.DriftCounts;
import org.hmis.predictions.common.features.FeatureQuery;
import org.hmis.predictions.common.features.FeatureSpec;
import org.hmis.predictions.common.features.GuestFeatures;
import org.hmis.predictions.common.features.RejectedRowException;
import org.hmis.predictions.synthetic.GuestGenerator;
import org.hmis.predictions.synthetic.GuestLoader;
import org.hmis.predictions.synthetic.GuestsTable;
import org.hmis.predictions.training.TrainingDistribution;

/**
 * How often drift cries wolf and how often it finds a real shift ({@link DriftAssessment}), on households of the
 * generator under the household specification: the generated households who left are split in two, one half the
 * baseline as training would make it ({@link TrainingDistribution}), the other the population nights are drawn from
 * (households drawn at random, as many as the night holds). A false alarm is a same-distribution night with any
 * feature called shifted; a detection is a night with incomes halved where an income feature is called shifted.
 */
final class DriftBenchmark {
    static final String STEP = "drift";
    /** Nights per size: a false-alarm rate of 5% is then known to about a percentage point. */
    static final int NIGHTS = 500;

    static final int[] SIZES = {25, 50, 200, 2000};
    static final int SHIFTED_SIZE = 200;

    private static final SqlIdentifier TABLE = SqlIdentifier.of("guests_drift");
    /** Enough households that each half holds several times the largest night. */
    private static final long GUESTS = 60_000;

    private final Database database;
    private final long seed;

    DriftBenchmark(Database database, long seed) {
        this.database = database;
        this.seed = seed;
    }

    BenchLine run() throws Exception {
        long started = System.nanoTime();
        List<double[]> households = households();
        SplittableRandom random = new SplittableRandom(seed);
        shuffle(households, random);
        List<double[]> training = households.subList(0, households.size() / 2);
        List<double[]> population = households.subList(households.size() / 2, households.size());
        DriftBaseline baseline = baseline(training);
        List<Integer> incomes = new ArrayList<>();
        List<String> names = FeatureSpec.V3.featureNames();
        for (int f = 0; f < names.size(); f++) {
            if (names.get(f).contains("income")) {
                incomes.add(f);
            }
        }
        BenchLine line = BenchLine.of(STEP, (long) NIGHTS * (SIZES.length + 1), seconds(started))
                .noReference()
                .put("baseline_households", training.size())
                .put("nights_per_size", NIGHTS);
        for (int size : SIZES) {
            int alarms = 0;
            for (int night = 0; night < NIGHTS; night++) {
                if (!assess(baseline, population, size, random, List.of())
                        .shifted()
                        .isEmpty()) {
                    alarms++;
                }
            }
            line.put("false_alarms_" + size, (double) alarms / NIGHTS, 3);
        }
        int found = 0;
        for (int night = 0; night < NIGHTS; night++) {
            if (assess(baseline, population, SHIFTED_SIZE, random, incomes).shifted().keySet().stream()
                    .anyMatch(feature -> feature.contains("income"))) {
                found++;
            }
        }
        line.put("incomes_halved_found_" + SHIFTED_SIZE, (double) found / NIGHTS, 3);
        return line.put("seconds_total", seconds(started), 1);
    }

    /** One night of {@code size} households drawn from {@code population}, with the {@code halved} features halved. */
    private static DriftAssessment assess(
            DriftBaseline baseline,
            List<double[]> population,
            int size,
            SplittableRandom random,
            List<Integer> halved) {
        DriftCounts counts = new DriftCounts(baseline);
        for (int h = 0; h < size; h++) {
            double[] household = population.get(random.nextInt(population.size()));
            if (!halved.isEmpty()) {
                household = household.clone();
                for (int f : halved) {
                    household[f] /= 2;
                }
            }
            counts.add(household);
        }
        return DriftAssessment.of(baseline, counts.sample(size));
    }

    /** The generated households who left, one row each as training reads them. */
    private List<double[]> households() throws SQLException, java.io.IOException {
        List<double[]> households = new ArrayList<>();
        GuestFeatures features = new GuestFeatures(FeatureSpec.V3);
        int width = features.inputColumns().size();
        try (Connection c = database.connection();
                Statement st = c.createStatement()) {
            GuestsTable.create(c, TABLE);
            new GuestLoader(GuestGenerator.builder().seed(seed).build()).load(c, TABLE, GUESTS);
            try (ResultSet rs = st.executeQuery(FeatureQuery.exited(TABLE, FeatureSpec.V3, List.of()))) {
                String[] row = new String[width];
                while (rs.next()) {
                    for (int i = 0; i < width; i++) {
                        row[i] = rs.getString(i + 1);
                    }
                    double[] encoded = new double[FeatureSpec.V3.size()];
                    try {
                        features.encode(row, encoded);
                    } catch (RejectedRowException e) {
                        continue;
                    }
                    households.add(encoded);
                }
            } finally {
                st.execute("DROP TABLE " + TABLE.quoted());
            }
        }
        return households;
    }

    private static DriftBaseline baseline(List<double[]> training) {
        int width = FeatureSpec.V3.size();
        double[] rowMajor = new double[training.size() * width];
        for (int r = 0; r < training.size(); r++) {
            System.arraycopy(training.get(r), 0, rowMajor, r * width, width);
        }
        return TrainingDistribution.of(FeatureSpec.V3.featureNames(), rowMajor, training.size());
    }

    private static void shuffle(List<double[]> rows, SplittableRandom random) {
        for (int i = rows.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            double[] swap = rows.get(i);
            rows.set(i, rows.get(j));
            rows.set(j, swap);
        }
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
