package org.hmis.predictions.training;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Households whose exit class is learnable: it follows household income and the guest's age, with 10% of labels
 * replaced by a random class and 5% of incomes and ages missing ({@code NaN}); grouped by gender (from is_female)
 * and age band.
 */
public final class SyntheticTrainingData {

    public static final List<String> FEATURES = List.of(
            "earned_income", "age_at_enrollment", "case_members", "is_hoh", "is_female", "non-cash_benefit_count");

    private SyntheticTrainingData() {}

    public static TrainingData generate(int rows, long seed) {
        Random random = new Random(seed);
        int width = FEATURES.size();
        double[] matrix = new double[rows * width];
        int[] labels = new int[rows];
        long[] groups = new long[rows];
        String[] gender = new String[rows];
        String[] ageBand = new String[rows];
        long household = seed * 1_000_000;
        int row = 0;
        while (row < rows) {
            household++;
            int members = Math.min(rows - row, 1 + random.nextInt(4));
            double income = random.nextDouble() * 3000;
            for (int m = 0; m < members; m++, row++) {
                double age = random.nextInt(68);
                groups[row] = household;
                labels[row] = random.nextDouble() < 0.1 ? random.nextInt(5) : exitClass(income, age);
                int at = row * width;
                matrix[at] = random.nextDouble() < 0.05 ? Double.NaN : income;
                matrix[at + 1] = random.nextDouble() < 0.05 ? Double.NaN : age;
                matrix[at + 2] = members;
                matrix[at + 3] = m == 0 ? 1 : 0;
                matrix[at + 4] = random.nextBoolean() ? 1 : 0;
                matrix[at + 5] = random.nextInt(11);
                gender[row] = matrix[at + 4] == 1 ? "Female" : "Male";
                ageBand[row] = GroupAttributes.ageBand(Double.isNaN(matrix[at + 1]) ? null : Double.toString(age));
            }
        }
        Map<String, String[]> attributes = new LinkedHashMap<>();
        attributes.put("gender", gender);
        attributes.put(GroupAttributes.AGE_BAND_AT_ENTRY, ageBand);
        return new TrainingData(FEATURES, matrix, labels, groups, new GroupAttributes(attributes));
    }

    /** es 0, other 1, perm 2, temp 3, unknown 4. */
    private static int exitClass(double income, double age) {
        if (income < 600) {
            return age < 25 ? 0 : 4;
        }
        if (income < 1300) {
            return 3;
        }
        return income < 2100 ? 1 : 2;
    }
}
