package io.lb4j.benchmarks.report;

import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainCategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.List;

/**
 * One PNG with several bar panels stacked over one shared category axis (the strategies), each panel with its
 * own value axis: the demo's latency, throughput and shares side by side, so that latencies are read at the
 * load each strategy actually carried. A log axis is fitted to the data (a third below the smallest bar, a
 * third above the largest), not widened to whole decades.
 */
public final class PanelChart {
    private static final Color[] PALETTE = {
            new Color(0x4E79A7), new Color(0xF28E2B), new Color(0xE15759), new Color(0x76B7B2),
            new Color(0x59A14F), new Color(0xEDC948), new Color(0xB07AA1), new Color(0xFF9DA7)};

    private PanelChart() {
    }

    /**
     * One panel.
     *
     * @param valueLabel the value axis label
     * @param series     one bar per series in each category
     * @param values     {@code values[series][category]}; NaN or non-positive values are left out
     * @param logScale   a log value axis, fitted to the data
     * @param weight     the panel's share of the height, relative to the others
     * @param colorShift where in the palette its series start
     */
    public record Panel(String valueLabel, List<String> series, double[][] values, boolean logScale, int weight,
                        int colorShift) {
    }

    /** Writes the panels, top to bottom, to {@code file}. */
    public static void write(Path file, String title, String subtitle, List<String> categories, List<Panel> panels,
                             int width, int height) throws IOException {
        System.setProperty("java.awt.headless", "true");
        CategoryAxis x = new CategoryAxis();
        x.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        x.setCategoryMargin(0.25);
        CombinedDomainCategoryPlot combined = new CombinedDomainCategoryPlot(x);
        combined.setGap(14);
        for (Panel p : panels) {
            combined.add(plot(categories, p), p.weight());
        }
        combined.setOrientation(PlotOrientation.VERTICAL);
        Charts.save(title, subtitle, combined, file, width, height);
    }

    private static CategoryPlot plot(List<String> categories, Panel p) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        double min = Double.MAX_VALUE;
        double max = 0;
        for (int s = 0; s < p.series().size(); s++) {
            for (int c = 0; c < categories.size(); c++) {
                double v = p.values()[s][c];
                boolean shown = v > 0 && !Double.isNaN(v) && !Double.isInfinite(v);
                data.addValue(shown ? v : null, p.series().get(s), categories.get(c));
                if (shown) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        if (max == 0) {
            min = 1;
            max = 1;
        }
        ValueAxis y;
        BarRenderer r = new BarRenderer();
        if (p.logScale()) {
            LogAxis log = new LogAxis(p.valueLabel());
            log.setBase(10);
            double lower = min / 1.3;
            log.setSmallestValue(lower);
            log.setRange(lower, max * 1.3);
            log.setTickUnit(new NumberTickUnit(1)); // labels at 1, 10, 100 ms ...; unlabelled marks between
            log.setMinorTickCount(9);
            log.setMinorTickMarksVisible(true);
            log.setNumberFormatOverride(new DecimalFormat("#,##0.###"));
            y = log;
            r.setBase(lower);
        } else {
            NumberAxis lin = new NumberAxis(p.valueLabel());
            lin.setNumberFormatOverride(new DecimalFormat("#,##0.###"));
            lin.setUpperMargin(0.15);
            y = lin;
        }
        y.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        r.setItemMargin(0.02);
        r.setDrawBarOutline(false);
        for (int s = 0; s < p.series().size(); s++) {
            r.setSeriesPaint(s, PALETTE[(s + p.colorShift()) % PALETTE.length]);
        }
        r.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", new DecimalFormat("#,##0.##")));
        r.setDefaultItemLabelPaint(new Color(0x333333));
        r.setDefaultItemLabelsVisible(true);
        r.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        CategoryPlot plot = new CategoryPlot(data, null, y, r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xCCCCCC));
        plot.setRangeGridlineStroke(new BasicStroke(1f));
        return plot;
    }
}
