package io.lb4j.benchmarks.report;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.category.DefaultCategoryDataset;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.List;

/** PNG charts for the simulation and the demo (JFreeChart, headless). */
public final class Charts {
    /** A palette that stays distinguishable for up to ten series (Tableau 10). */
    private static final Color[] PALETTE = {
            new Color(0x4E79A7), new Color(0xF28E2B), new Color(0xE15759), new Color(0x76B7B2),
            new Color(0x59A14F), new Color(0xEDC948), new Color(0xB07AA1), new Color(0xFF9DA7),
            new Color(0x9C755F), new Color(0xBAB0AC)};

    private Charts() {
    }

    /**
     * Writes grouped bars: one group per category, one bar per series.
     *
     * @param values     {@code values[series][category]}; NaN or non-positive values are left out
     * @param logScale   a logarithmic value axis (for latencies spanning decades)
     * @param valueLabel the value axis label, e.g. {@code "p99 latency (ms)"}
     */
    public static void groupedBars(Path file, String title, String subtitle, String valueLabel,
                                   List<String> categories, List<String> series, double[][] values,
                                   boolean logScale, int width, int height) throws IOException {
        System.setProperty("java.awt.headless", "true");
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        double min = Double.MAX_VALUE;
        double max = 0;
        for (int s = 0; s < series.size(); s++) {
            for (int c = 0; c < categories.size(); c++) {
                double v = values[s][c];
                if (v > 0 && !Double.isNaN(v) && !Double.isInfinite(v)) {
                    data.addValue(v, series.get(s), categories.get(c));
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                } else {
                    data.addValue(null, series.get(s), categories.get(c));
                }
            }
        }
        CategoryAxis x = new CategoryAxis();
        x.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        if (categories.size() > 8) {
            x.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        }
        x.setCategoryMargin(0.25);
        ValueAxis y;
        if (logScale && max > 0) {
            LogAxis log = new LogAxis(valueLabel);
            log.setBase(10);
            log.setSmallestValue(min / 2);
            log.setLowerBound(Math.pow(10, Math.floor(Math.log10(min))));
            log.setUpperBound(Math.pow(10, Math.ceil(Math.log10(max * 1.05))));
            log.setTickUnit(new NumberTickUnit(1)); // one tick per decade
            log.setMinorTickCount(9);
            log.setMinorTickMarksVisible(true);
            log.setNumberFormatOverride(new DecimalFormat("#,##0.###"));
            y = log;
        } else {
            NumberAxis lin = new NumberAxis(valueLabel);
            lin.setNumberFormatOverride(new DecimalFormat("#,##0.###"));
            y = lin;
        }
        y.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        BarRenderer r = new BarRenderer();
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        r.setItemMargin(0.02);
        r.setDrawBarOutline(false);
        if (logScale) {
            r.setBase(Math.pow(10, Math.floor(Math.log10(min))));
        }
        for (int s = 0; s < series.size(); s++) {
            Paint p = PALETTE[s % PALETTE.length];
            r.setSeriesPaint(s, p);
        }
        if (categories.size() * series.size() <= 40) {
            r.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", new DecimalFormat("#,##0.#")));
            r.setDefaultItemLabelPaint(new Color(0x333333));
            r.setDefaultItemLabelsVisible(true);
            r.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        }
        CategoryPlot plot = new CategoryPlot(data, x, y, r);
        plot.setOrientation(PlotOrientation.VERTICAL);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xCCCCCC));
        plot.setRangeGridlineStroke(new BasicStroke(1f));
        save(title, subtitle, plot, file, width, height);
    }

    /** Writes {@code plot} as a PNG with the house style: bold title, subtitle, legend on top, white. */
    static void save(String title, String subtitle, org.jfree.chart.plot.Plot plot, Path file, int width, int height)
            throws IOException {
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 18), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        if (subtitle != null) {
            chart.addSubtitle(new TextTitle(subtitle, new Font(Font.SANS_SERIF, Font.PLAIN, 13)));
        }
        chart.getLegend().setPosition(RectangleEdge.TOP);
        chart.getLegend().setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ChartUtils.saveChartAsPNG(file.toFile(), chart, width, height);
    }
}
