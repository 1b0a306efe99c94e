package org.hmis.predictions.training.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.LookupPaintScale;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The report's charts, drawn by JFreeChart and encoded as PNG for a {@code data:} URI. */
final class ReportCharts {
    static final int WIDTH = 760;
    static final int HEIGHT = 340;

    private static final Color MODEL = new Color(0x1f, 0x77, 0xb4);
    private static final Color SECOND = new Color(0xff, 0x7f, 0x0e);
    private static final Color BASELINE = new Color(0x7f, 0x7f, 0x7f);
    private static final Color WARNING = new Color(0xd6, 0x27, 0x28);
    private static final Color[] CLASS_COLORS = {
        new Color(0x1f, 0x77, 0xb4),
        new Color(0xff, 0x7f, 0x0e),
        new Color(0x2c, 0xa0, 0x2c),
        new Color(0x94, 0x67, 0xbd),
        new Color(0x8c, 0x56, 0x4b)
    };
    private static final Color GRID = new Color(0xdd, 0xdd, 0xdd);
    private static final BasicStroke DASHED =
            new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f);
    private static final Font CELL_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 13);
    private static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    static {
        // No display is needed or wanted: charts are drawn into images.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private ReportCharts() {}

    /** The chart as a {@code data:image/png;base64,...} URI. */
    static String pngDataUri(JFreeChart chart, int width, int height) {
        BufferedImage image = chart.createBufferedImage(width, height);
        try {
            return "data:image/png;base64," + Base64.getEncoder().encodeToString(ChartUtils.encodeAsPNG(image));
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode a chart as PNG", e);
        }
    }

    /**
     * Rows: actual class, columns: predicted class; each cell coloured by its share of the actual class's rows (its
     * recall on the diagonal) and labelled with its count.
     */
    static JFreeChart confusionMatrix(List<String> classes, List<List<Long>> counts) {
        int n = classes.size();
        double[] x = new double[n * n];
        double[] y = new double[n * n];
        double[] z = new double[n * n];
        XYPlot plot = new XYPlot();
        for (int actual = 0; actual < n; actual++) {
            long rowTotal =
                    counts.get(actual).stream().mapToLong(Long::longValue).sum();
            for (int predicted = 0; predicted < n; predicted++) {
                int i = actual * n + predicted;
                long count = counts.get(actual).get(predicted);
                x[i] = predicted;
                y[i] = actual;
                z[i] = rowTotal == 0 ? 0 : (double) count / rowTotal;
                XYTextAnnotation label = new XYTextAnnotation(String.format("%,d", count), predicted, actual);
                label.setFont(CELL_FONT);
                label.setPaint(z[i] > 0.5 ? Color.WHITE : Color.BLACK);
                label.setTextAnchor(TextAnchor.CENTER);
                plot.addAnnotation(label);
            }
        }
        DefaultXYZDataset dataset = new DefaultXYZDataset();
        dataset.addSeries("share of the actual class", new double[][] {x, y, z});
        LookupPaintScale scale = new LookupPaintScale(0, 1.0001, Color.WHITE);
        for (int step = 0; step <= 10; step++) {
            float t = step / 10f;
            scale.add(step / 10.0, new Color(1 - 0.85f * t, 1 - 0.6f * t, 1 - 0.25f * t));
        }
        XYBlockRenderer renderer = new XYBlockRenderer();
        renderer.setPaintScale(scale);
        renderer.setBlockAnchor(RectangleAnchor.CENTER);
        SymbolAxis predictedAxis = new SymbolAxis("predicted class", classes.toArray(String[]::new));
        SymbolAxis actualAxis = new SymbolAxis("actual class", classes.toArray(String[]::new));
        actualAxis.setInverted(true);
        predictedAxis.setGridBandsVisible(false);
        actualAxis.setGridBandsVisible(false);
        plot.setDataset(dataset);
        plot.setDomainAxis(predictedAxis);
        plot.setRangeAxis(actualAxis);
        plot.setRenderer(renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        JFreeChart chart = new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        NumberAxis legendAxis = new NumberAxis("share of the actual class's rows");
        legendAxis.setRange(0, 1);
        PaintScaleLegend legend = new PaintScaleLegend(scale, legendAxis);
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setMargin(4, 4, 4, 4);
        chart.addSubtitle(legend);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /** Grouped bars: per category (class or group), one bar per series, values between 0 and 1. */
    static JFreeChart bars(String valueLabel, Map<String, Map<String, Double>> seriesByName) {
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        seriesByName.forEach((series, values) -> values.forEach((category, value) -> {
            if (value != null) {
                dataset.addValue(value, series, category);
            }
        }));
        JFreeChart chart = ChartFactory.createBarChart(
                null, null, valueLabel, dataset, PlotOrientation.VERTICAL, true, false, false);
        CategoryPlot plot = style(chart);
        BarRenderer renderer = (BarRenderer) plot.getRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setItemMargin(0.05);
        Paint[] paints = {MODEL, SECOND, BASELINE};
        for (int s = 0; s < dataset.getRowCount(); s++) {
            renderer.setSeriesPaint(s, paints[s % paints.length]);
        }
        ((NumberAxis) plot.getRangeAxis()).setRange(0, 1.0);
        return chart;
    }

    /**
     * A dashed line across the value axis at {@code value}, labelled: a reference (red, label at the top) or a
     * baseline (grey, label at the bottom), so two close markers keep their labels apart.
     */
    static ValueMarker marker(double value, String label, boolean baseline) {
        ValueMarker marker = new ValueMarker(value);
        marker.setPaint(baseline ? BASELINE : WARNING);
        marker.setStroke(DASHED);
        marker.setLabel(String.format(java.util.Locale.ROOT, "%s %.3f", label, value));
        marker.setLabelFont(LABEL_FONT);
        marker.setLabelBackgroundColor(new Color(255, 255, 255, 200));
        marker.setLabelAnchor(baseline ? RectangleAnchor.BOTTOM_RIGHT : RectangleAnchor.TOP_RIGHT);
        marker.setLabelTextAnchor(baseline ? TextAnchor.BOTTOM_LEFT : TextAnchor.TOP_LEFT);
        marker.setLabelPaint(baseline ? BASELINE : WARNING);
        return marker;
    }

    /** The height a horizontal bar chart of {@code bars} bars needs. */
    static int heightFor(int bars) {
        return 90 + 30 * bars;
    }

    /** One horizontal bar per group, in the order given, between 0 and 1, with markers across. */
    static JFreeChart groupBars(String valueLabel, Map<String, Double> values, List<ValueMarker> markers) {
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        values.forEach((group, value) -> dataset.addValue(value, valueLabel, group));
        JFreeChart chart = ChartFactory.createBarChart(
                null, null, valueLabel, dataset, PlotOrientation.HORIZONTAL, false, false, false);
        CategoryPlot plot = style(chart);
        plot.setRangeAxisLocation(AxisLocation.BOTTOM_OR_RIGHT);
        BarRenderer renderer = (BarRenderer) plot.getRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setSeriesPaint(0, MODEL);
        renderer.setMaximumBarWidth(0.7);
        plot.getDomainAxis().setMaximumCategoryLabelWidthRatio(0.45f);
        ((NumberAxis) plot.getRangeAxis()).setRange(0, 1.0);
        markers.forEach(plot::addRangeMarker);
        return chart;
    }

    /** Horizontal bars, largest first, at most {@code limit} of them. */
    static JFreeChart ranking(String valueLabel, Map<String, Double> values, int limit, List<ValueMarker> markers) {
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        values.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .limit(limit)
                .forEach(e -> dataset.addValue(e.getValue(), valueLabel, e.getKey()));
        JFreeChart chart = ChartFactory.createBarChart(
                null, null, valueLabel, dataset, PlotOrientation.HORIZONTAL, false, false, false);
        CategoryPlot plot = style(chart);
        plot.setRangeAxisLocation(AxisLocation.BOTTOM_OR_RIGHT);
        BarRenderer renderer = (BarRenderer) plot.getRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setSeriesPaint(0, MODEL);
        markers.forEach(plot::addRangeMarker);
        return chart;
    }

    /** One line per class: observed share against mean predicted probability, with the diagonal of calibration. */
    static JFreeChart calibration(Map<String, List<double[]>> pointsByClass) {
        XYSeriesCollection dataset = new XYSeriesCollection();
        XYSeries diagonal = new XYSeries("perfectly calibrated");
        diagonal.add(0, 0);
        diagonal.add(1, 1);
        dataset.addSeries(diagonal);
        pointsByClass.forEach((label, points) -> {
            XYSeries series = new XYSeries(label, false);
            points.forEach(p -> series.add(p[0], p[1]));
            dataset.addSeries(series);
        });
        JFreeChart chart = ChartFactory.createXYLineChart(
                null,
                "mean predicted probability",
                "observed share",
                dataset,
                PlotOrientation.VERTICAL,
                true,
                false,
                false);
        chart.setBackgroundPaint(Color.WHITE);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(GRID);
        plot.setRangeGridlinePaint(GRID);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        renderer.setSeriesPaint(0, BASELINE);
        renderer.setSeriesStroke(0, DASHED);
        renderer.setSeriesShapesVisible(0, false);
        for (int s = 1; s < dataset.getSeriesCount(); s++) {
            renderer.setSeriesPaint(s, CLASS_COLORS[(s - 1) % CLASS_COLORS.length]);
            renderer.setSeriesStroke(s, new BasicStroke(2f));
        }
        plot.setRenderer(renderer);
        ((NumberAxis) plot.getDomainAxis()).setRange(0, 1);
        ((NumberAxis) plot.getRangeAxis()).setRange(0, 1);
        return chart;
    }

    /** Lines over ordered categories (months), values between 0 and 1, with markers. */
    static JFreeChart lines(
            String valueLabel, Map<String, Map<String, Double>> seriesByName, List<ValueMarker> markers) {
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        seriesByName.forEach(
                (series, values) -> values.forEach((category, value) -> dataset.addValue(value, series, category)));
        JFreeChart chart = ChartFactory.createLineChart(
                null, null, valueLabel, dataset, PlotOrientation.VERTICAL, true, false, false);
        CategoryPlot plot = style(chart);
        LineAndShapeRenderer renderer = (LineAndShapeRenderer) plot.getRenderer();
        renderer.setDefaultShapesVisible(true);
        for (int s = 0; s < dataset.getRowCount(); s++) {
            renderer.setSeriesPaint(s, CLASS_COLORS[s % CLASS_COLORS.length]);
            renderer.setSeriesStroke(s, new BasicStroke(2f));
        }
        ((NumberAxis) plot.getRangeAxis()).setRange(0, 1);
        markers.forEach(plot::addRangeMarker);
        return chart;
    }

    private static CategoryPlot style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(GRID);
        plot.setOutlineVisible(false);
        return plot;
    }
}
