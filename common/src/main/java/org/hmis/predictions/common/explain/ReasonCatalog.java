package org.hmis.predictions.common.explain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The plain-language text of a feature's value, for the reasons case workers read: "no adult in the household has
 * earned income", "4 people in the household", "the household is chronically homeless"; and the fact each feature
 * states, so that features stating one fact (the household's size, adults and children) make one reason. One JSON
 * file holds every feature's texts, so a shelter can reword them without touching code: the bundled
 * {@code reasons/catalog.json}, or a file of the same shape given instead.
 *
 * <p>An entry is a flag ({@code yes} for 1, {@code no} for 0) or a number ({@code value}, where {@code {value}} is
 * the number and {@code {money}} the number in dollars, and optionally {@code zero} for 0 and {@code one} for 1);
 * every entry has a {@code fact} (lower-case words joined by {@code _}, such as {@code household_composition}) and a
 * {@code label}, which names the feature when its value is missing.
 */
public final class ReasonCatalog {
    /** The catalog bundled with the functions. */
    public static final String BUNDLED = "/reasons/catalog.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Pattern FACT = Pattern.compile("[a-z]+(_[a-z]+)*");

    private record Entry(String fact, String label, String yes, String no, String value, String zero, String one) {}

    private final Map<String, Entry> entries;
    // Not thread-safe: a catalog serves one thread (each predicting thread builds its own Reasons).
    private final DecimalFormat numbers = new DecimalFormat("#,##0.##", DecimalFormatSymbols.getInstance(Locale.US));
    private final DecimalFormat dollars = new DecimalFormat("#,##0", DecimalFormatSymbols.getInstance(Locale.US));

    private ReasonCatalog(Map<String, Entry> entries) {
        this.entries = Map.copyOf(entries);
    }

    /** A copy for another thread: the texts are shared, the number formats are the copy's own. */
    public ReasonCatalog copy() {
        return new ReasonCatalog(entries);
    }

    /** The bundled catalog. */
    public static ReasonCatalog bundled() {
        try (InputStream in = ReasonCatalog.class.getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new IllegalStateException(BUNDLED + " is missing from the classpath");
            }
            return parse(in.readAllBytes(), BUNDLED);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + BUNDLED, e);
        }
    }

    /**
     * Reads a catalog; {@code source} names it in errors.
     *
     * @throws IllegalArgumentException naming the entry and the field that is wrong
     */
    public static ReasonCatalog parse(byte[] json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + " is not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(source + " must be a JSON object of feature entries");
        }
        Map<String, Entry> entries = new HashMap<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (field.getKey().startsWith("_")) {
                continue;
            }
            entries.put(field.getKey(), entry(source, field.getKey(), field.getValue()));
        }
        return new ReasonCatalog(entries);
    }

    private static Entry entry(String source, String feature, JsonNode node) {
        String where = source + ": '" + feature + "'";
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + " must be an object");
        }
        Entry entry = new Entry(
                text(node, "fact"),
                text(node, "label"),
                text(node, "yes"),
                text(node, "no"),
                text(node, "value"),
                text(node, "zero"),
                text(node, "one"));
        if (entry.fact() == null || !FACT.matcher(entry.fact()).matches()) {
            throw new IllegalArgumentException(where + " needs a 'fact' of lower-case words joined by '_', found "
                    + (entry.fact() == null ? "none" : "'" + entry.fact() + "'"));
        }
        if (entry.label() == null) {
            throw new IllegalArgumentException(where + " has no 'label'");
        }
        boolean flag = entry.yes() != null || entry.no() != null;
        if (flag && (entry.yes() == null || entry.no() == null)) {
            throw new IllegalArgumentException(where + " is a flag: it needs both 'yes' and 'no'");
        }
        if (flag == (entry.value() != null)) {
            throw new IllegalArgumentException(where + " needs either 'yes' and 'no' (a flag) or 'value' (a number)");
        }
        return entry;
    }

    private static String text(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : value.asText();
    }

    /**
     * Throws naming every feature of {@code features} the catalog has no entry for; a spec's features must all be
     * explainable.
     */
    public void requireCovers(List<String> features) {
        List<String> missing = new ArrayList<>();
        for (String feature : features) {
            if (!entries.containsKey(feature)) {
                missing.add(feature);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("the reasons catalog has no text for " + missing);
        }
    }

    /** The fact {@code feature} states: the features of one fact make one reason. */
    public String fact(String feature) {
        return entry(feature).fact();
    }

    /** The text of {@code feature} at {@code value}; NaN is a missing value. */
    public String text(String feature, double value) {
        Entry entry = entry(feature);
        if (Double.isNaN(value)) {
            return entry.label() + " not recorded";
        }
        if (entry.yes() != null) {
            return value == 0 ? entry.no() : entry.yes();
        }
        if (value == 0 && entry.zero() != null) {
            return entry.zero();
        }
        if (value == 1 && entry.one() != null) {
            return entry.one();
        }
        String text = entry.value();
        if (text.contains("{value}")) {
            text = text.replace("{value}", number(value));
        }
        if (text.contains("{money}")) {
            text = text.replace("{money}", "$" + money(value));
        }
        return text;
    }

    private Entry entry(String feature) {
        Entry entry = entries.get(feature);
        if (entry == null) {
            throw new IllegalArgumentException("the reasons catalog has no text for '" + feature + "'");
        }
        return entry;
    }

    private String number(double value) {
        return numbers.format(value);
    }

    private String money(double value) {
        return dollars.format(value);
    }
}
