package io.vipflow.bench.report;

import io.vipflow.bench.baseline.Pipeline;
import io.vipflow.bench.gate.DataPlane;
import io.vipflow.bench.gate.JmhResult;

import java.util.ArrayList;
import java.util.List;

/**
 * The targets, checked against one run's results: each is a measured figure, the goal, and whether it was
 * met or by what factor it was missed.
 */
final class Targets
{
    private static final String ONE = "1000000";
    private static final String TEN_K = "10000";

    private final Results results;
    private final List<String[]> rows = new ArrayList<>();

    Targets(final Results results)
    {
        this.results = results;
        atMost("established IPv4, 1M flows, one at a time", "ns/packet", 40,
            results.find("ClassifyBenchmark.established", "impl", Pipeline.VIPFLOW, "flows", ONE));
        atMost("established IPv4, 1M flows, batches of 16", "ns/packet", 20,
            results.find("ClassifyBenchmark.establishedBatch", "impl", Pipeline.VIPFLOW, "flows", ONE));
        atMost("established IPv4, 10k flows, one at a time", "ns/packet", 12,
            results.find("ClassifyBenchmark.established", "impl", Pipeline.VIPFLOW, "flows", TEN_K));
        atMost("new flow (miss, Maglev pick, insert), 1M flows", "ns/packet", 100,
            results.find("ClassifyBenchmark.newFlow", "impl", Pipeline.VIPFLOW, "flows", ONE));
        atMost("new flow (miss, Maglev pick, insert), 10k flows", "ns/packet", 100,
            results.find("ClassifyBenchmark.newFlow", "impl", Pipeline.VIPFLOW, "flows", TEN_K));
        atMost("frontend lookup among 10,000 Services (IPv4 hit)", "ns", 10,
            results.find("FrontendLookupBenchmark.hit", "services", "10000", "family", "ipv4"));
        final JmhResult maglev = results.find("MaglevBuildBenchmark.build", "tableSize", "65537", "backends", "1000");
        atMost("Maglev build, M = 65537, N = 1000", "µs", 1500, maglev);
        allocation();
        final JmhResult vipflow = results.find("ClassifyBenchmark.established", "impl", Pipeline.VIPFLOW, "flows", ONE);
        final String[][] baselines = {{Pipeline.CHRONICLE, "Chronicle Map", "5"},
            {Pipeline.CONCURRENT_HASH_MAP, "ConcurrentHashMap", "2"}, {Pipeline.NON_BLOCKING_HASH_MAP_LONG,
            "NonBlockingHashMapLong", "1.5"}};
        for (final String[] b : baselines)
        {
            final JmhResult other = results.find("ClassifyBenchmark.established", "impl", b[0], "flows", ONE);
            atLeast("1M established: times faster than " + b[1], Double.parseDouble(b[2]), ratio(vipflow, other),
                cpuRatio(vipflow, other));
        }
        // A user compares each design at its best: vipflow's batch path against the faster of each baseline's
        // one-at-a-time and batch paths.
        final JmhResult vipflowBatch =
            results.find("ClassifyBenchmark.establishedBatch", "impl", Pipeline.VIPFLOW, "flows", ONE);
        for (final String[] b : baselines)
        {
            final JmhResult single = results.find("ClassifyBenchmark.established", "impl", b[0], "flows", ONE);
            final JmhResult batch = results.find("ClassifyBenchmark.establishedBatch", "impl", b[0], "flows", ONE);
            final JmhResult best = single == null || batch != null && batch.score() < single.score() ? batch : single;
            atLeast("1M established, each at its best (vipflow in batches): times faster than " + b[1],
                Double.parseDouble(b[2]), ratio(vipflowBatch, best), cpuRatio(vipflowBatch, best));
        }
        for (final String flows : new String[] {ONE, TEN_K})
        {
            atLeast("two threads / one thread, established, " + (flows.equals(ONE) ? "1M" : "10k") + " flows", 1.8,
                scaling(results, "established", flows), Double.NaN);
        }
    }

    /** As {@link #ratio}, on CPU time per packet. */
    static double cpuRatio(final JmhResult vipflow, final JmhResult other)
    {
        return vipflow == null || other == null ? Double.NaN : other.cpuNorm() / vipflow.cpuNorm();
    }

    /**
     * Packets per second of two threads over one thread's, from the per-thread times per packet; NaN unless both
     * were measured in the same run.
     */
    static double scaling(final Results results, final String method, final String flows)
    {
        final JmhResult one = results.find("ClassifyBenchmark." + method, "impl", Pipeline.VIPFLOW, "flows", flows);
        final JmhResult two =
            results.find("ClassifyTwoThreadsBenchmark." + method, "impl", Pipeline.VIPFLOW, "flows", flows);
        // Only a pair measured in one run: runs made at other times saw another load on this shared machine.
        return one == null || two == null || !results.sameRun(one, two) ? Double.NaN : 2 * one.score() / two.score();
    }

    /** How many times slower {@code other} is than {@code vipflow}. */
    static double ratio(final JmhResult vipflow, final JmhResult other)
    {
        return vipflow == null || other == null ? Double.NaN : other.score() / vipflow.score();
    }

    private void atMost(final String what, final String unit, final double goal, final JmhResult r)
    {
        final double v = r == null ? Double.NaN : r.score();
        final double cpu = r == null ? Double.NaN : Results.cpuInScoreUnit(r);
        rows.add(new String[] {what, "≤ " + Results.figure(goal) + " " + unit,
            r == null ? "not run" : Results.score(r) + " " + unit, Results.figure(cpu) + " " + unit,
            verdictAtMost(v, goal) + (Double.isNaN(cpu) ? "" : "; on CPU time " + verdictAtMost(cpu, goal))});
    }

    private static String verdictAtMost(final double v, final double goal)
    {
        return Double.isNaN(v) ? "not run" : v <= goal ? "met" : String.format("missed, %.2f× the target", v / goal);
    }

    private void atLeast(final String what, final double goal, final double v, final double cpu)
    {
        rows.add(new String[] {what, "≥ " + Results.figure(goal) + "×", Results.figure(v) + "×",
            Double.isNaN(cpu) ? "" : Results.figure(cpu) + "×",
            verdictAtLeast(v, goal) + (Double.isNaN(cpu) ? "" : "; on CPU time " + verdictAtLeast(cpu, goal))});
    }

    private static String verdictAtLeast(final double v, final double goal)
    {
        return Double.isNaN(v) ? "not run" : v >= goal ? "met" : String.format("missed, %.2f× short", goal / v);
    }

    private void allocation()
    {
        double worst = 0;
        String where = "";
        int count = 0;
        for (final JmhResult r : results.all)
        {
            if (DataPlane.mustNotAllocate(r))
            {
                count++;
                if (!(r.allocNorm() <= worst))
                {
                    worst = r.allocNorm();
                    where = r.id();
                }
            }
        }
        rows.add(new String[] {"gc.alloc.rate.norm, every data-plane benchmark (" + count + " runs)", "≤ 0.5 B/op",
            "max " + Results.figure(worst) + " B/op" + (where.isEmpty() ? "" : " (" + where + ")"), "",
            worst <= DataPlane.MAX_ALLOC_BYTES_PER_OP ? "met" : "missed"});
    }

    String markdown()
    {
        final StringBuilder b = new StringBuilder(
            "| target | goal | measured (JMH score, wall clock) | on CPU time | verdict |\n|---|---|---|---|---|\n");
        rows.forEach(r -> b.append("| ").append(String.join(" | ", r)).append(" |\n"));
        return b.toString();
    }
}
