package io.vipflow.bench.report;

import io.vipflow.bench.baseline.Pipeline;
import io.vipflow.bench.gate.JmhResult;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Draws the classify comparison as a PNG: nanoseconds per packet for each pipeline and each kind of traffic, on a
 * logarithmic axis (the pipelines differ by orders of magnitude).
 */
final class ResultsChart
{
    private static final String[] METHODS = {"established", "establishedBatch", "newFlow", "newFlowBatch", "mix",
        "mixBatch"};
    private static final Color[] COLOURS = {new Color(0x1b9e77), new Color(0xd95f02), new Color(0x7570b3),
        new Color(0xe7298a)};

    private ResultsChart()
    {
    }

    static void classify(final Results results, final String benchmarkClass, final String flows, final String title,
        final Path png)
    {
        final DefaultCategoryDataset data = new DefaultCategoryDataset();
        final List<String> impls = new ArrayList<>();
        impls.add(Pipeline.VIPFLOW);
        impls.addAll(Pipeline.BASELINES);
        for (final String impl : impls)
        {
            for (final String method : METHODS)
            {
                final JmhResult r = results.find(benchmarkClass + "." + method, "impl", impl, "flows", flows);
                if (r != null)
                {
                    data.addValue(r.score(), label(impl), method);
                }
            }
        }
        final LogAxis axis = new LogAxis("ns per packet (log scale)");
        axis.setSmallestValue(1);
        axis.setBase(10);
        axis.setTickUnit(new NumberTickUnit(1));
        axis.setNumberFormatOverride(new java.text.DecimalFormat("#,##0"));
        final CategoryAxis categories = new CategoryAxis();
        categories.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        final BarRenderer renderer = new BarRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setItemMargin(0.02);
        for (int i = 0; i < impls.size(); i++)
        {
            renderer.setSeriesPaint(i, COLOURS[i % COLOURS.length]);
        }
        final CategoryPlot plot = new CategoryPlot(data, categories, axis, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        final JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        try
        {
            ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 520);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static String label(final String impl)
    {
        return Pipeline.VIPFLOW.equals(impl) ? "vipflow (ConnTable)" : impl;
    }
}
