package io.vipflow.bench.report;

import io.vipflow.bench.baseline.Pipeline;
import io.vipflow.bench.gate.JmhResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns JMH JSON results into the tables of {@code bench/RESULTS.md} (Markdown: one table per benchmark class,
 * the classify comparison with ratios against the baselines, two-thread scaling, and the targets) and the classify
 * charts (PNG).
 * <pre>
 * ResultsReport --json FILE [--json FILE ...] --markdown OUT.md --charts DIR
 * </pre>
 */
public final class ResultsReport
{
    private ResultsReport()
    {
    }

    public static void main(final String[] args)
    {
        System.setProperty("java.awt.headless", "true");
        final List<List<JmhResult>> runs = new ArrayList<>();
        Path markdown = null;
        Path charts = null;
        for (int i = 0; i + 1 < args.length; i += 2)
        {
            switch (args[i])
            {
                case "--json": runs.add(JmhResult.read(Path.of(args[i + 1]))); break;
                case "--markdown": markdown = Path.of(args[i + 1]); break;
                case "--charts": charts = Path.of(args[i + 1]); break;
                default: throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        final Results results = Results.ofRuns(runs);
        final List<JmhResult> all = results.all;
        final StringBuilder md = new StringBuilder();
        md.append("### Targets\n\n").append(new Targets(results).markdown()).append('\n');
        for (final String flows : new String[] {"1000000", "10000"})
        {
            md.append(classifyTable(results, "ClassifyBenchmark", flows)).append('\n');
            md.append(classifyTable(results, "ClassifyTwoThreadsBenchmark", flows)).append('\n');
        }
        md.append(scalingTable(results)).append('\n');
        final Set<String> classes = new LinkedHashSet<>();
        all.forEach(r -> classes.add(r.shortName().substring(0, r.shortName().indexOf('.'))));
        for (final String c : classes)
        {
            if (!c.startsWith("Classify"))
            {
                md.append(genericTable(results, c)).append('\n');
            }
        }
        write(markdown, md.toString());
        if (charts != null)
        {
            ResultsChart.classify(results, "ClassifyBenchmark", "1000000",
                "Classify from frame bytes, 1M established flows, one thread", charts.resolve("classify-1m.png"));
            ResultsChart.classify(results, "ClassifyBenchmark", "10000",
                "Classify from frame bytes, 10k established flows, one thread", charts.resolve("classify-10k.png"));
        }
    }

    /** vipflow against each baseline, per kind of traffic: ns per packet, and how many times slower each is. */
    private static String classifyTable(final Results results, final String benchmarkClass, final String flows)
    {
        final StringBuilder b = new StringBuilder();
        b.append("### ").append(benchmarkClass).append(", ").append(flows.equals("1000000") ? "1M" : "10k")
            .append(" flows (ns per packet").append(benchmarkClass.contains("Two") ? " per thread" : "")
            .append("; × = times slower than vipflow)\n\n");
        b.append("| traffic | vipflow (ConnTable) | CPU ns | B/op |");
        Pipeline.BASELINES.forEach(p -> b.append(' ').append(p).append(" | × | CPU ns | × CPU | B/op |"));
        b.append("\n|---|---|---|---|").append("---|---|---|---|---|".repeat(Pipeline.BASELINES.size())).append('\n');
        final Map<String, Boolean> methods = new LinkedHashMap<>();
        results.ofClass(benchmarkClass).forEach(r -> methods.put(r.shortName().substring(r.shortName().indexOf('.')
            + 1), true));
        for (final String m : methods.keySet())
        {
            final JmhResult v = results.find(benchmarkClass + "." + m, "impl", Pipeline.VIPFLOW, "flows", flows);
            if (v == null)
            {
                continue;
            }
            b.append("| ").append(m).append(" | ").append(Results.score(v)).append(" | ")
                .append(Results.figure(v.cpuNorm())).append(" | ").append(Results.figure(v.allocNorm())).append(" |");
            for (final String p : Pipeline.BASELINES)
            {
                final JmhResult o = results.find(benchmarkClass + "." + m, "impl", p, "flows", flows);
                b.append(' ').append(Results.score(o)).append(" | ")
                    .append(Results.figure(Targets.ratio(v, o))).append(" | ")
                    .append(o == null ? "" : Results.figure(o.cpuNorm())).append(" | ")
                    .append(Results.figure(Targets.cpuRatio(v, o))).append(" | ")
                    .append(o == null ? "" : Results.figure(o.allocNorm())).append(" |");
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static String scalingTable(final Results results)
    {
        final StringBuilder b = new StringBuilder("### Two threads against one (vipflow; packets per second of two "
            + "threads over one thread's)\n\n| traffic | 10k flows | 1M flows |\n|---|---|---|\n");
        // The methods of the two-thread table, so that both tables come from one run.
        final Set<String> methods = new LinkedHashSet<>();
        results.ofClass("ClassifyTwoThreadsBenchmark").forEach(r -> methods.add(
            r.shortName().substring(r.shortName().indexOf('.') + 1)));
        for (final String m : methods)
        {
            b.append("| ").append(m).append(" | ")
                .append(Results.figure(Targets.scaling(results, m, "10000"))).append("× | ")
                .append(Results.figure(Targets.scaling(results, m, "1000000"))).append("× |\n");
        }
        return b.toString();
    }

    private static String genericTable(final Results results, final String benchmarkClass)
    {
        final StringBuilder b = new StringBuilder("### ").append(benchmarkClass).append("\n\n")
            .append("| benchmark | parameters | score | unit | CPU time, same unit | B/op |\n|---|---|---|---|---|---|\n");
        for (final JmhResult r : results.ofClass(benchmarkClass))
        {
            final StringBuilder params = new StringBuilder();
            r.params().forEach((k, v) -> params.append(k).append('=').append(v).append(' '));
            b.append("| ").append(r.shortName().substring(r.shortName().indexOf('.') + 1)).append(" | ")
                .append(params.toString().trim()).append(" | ").append(Results.score(r)).append(" | ")
                .append(r.unit()).append(" | ").append(Results.figure(Results.cpuInScoreUnit(r))).append(" | ")
                .append(Results.figure(r.allocNorm())).append(" |\n");
        }
        return b.toString();
    }

    private static void write(final Path file, final String text)
    {
        if (file == null)
        {
            System.out.print(text);
            return;
        }
        try
        {
            Files.writeString(file, text);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
