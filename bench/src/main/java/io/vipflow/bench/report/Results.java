package io.vipflow.bench.report;

import io.vipflow.bench.gate.JmhResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A set of JMH results with look-ups by benchmark and parameters. Immutable. */
final class Results
{
    final List<JmhResult> all;
    private final List<List<JmhResult>> runs;

    /** The results of one run. */
    Results(final List<JmhResult> all)
    {
        this(List.of(List.copyOf(all)), false);
    }

    private Results(final List<List<JmhResult>> runs, final boolean unused)
    {
        this.runs = runs;
        final List<JmhResult> flat = new ArrayList<>();
        runs.forEach(flat::addAll);
        this.all = List.copyOf(flat);
    }

    /** The results of several runs, earlier runs first: a result found in two runs is taken from the first. */
    static Results ofRuns(final List<List<JmhResult>> runs)
    {
        final List<List<JmhResult>> copy = new ArrayList<>();
        runs.forEach(r -> copy.add(List.copyOf(r)));
        return new Results(List.copyOf(copy), false);
    }

    /**
     * The result of {@code shortName} ({@code Class.method}) whose parameters include every given
     * {@code name, value} pair, or null.
     */
    JmhResult find(final String shortName, final String... nameValues)
    {
        for (final JmhResult r : all)
        {
            if (r.shortName().equals(shortName) && matches(r.params(), nameValues))
            {
                return r;
            }
        }
        return null;
    }

    /** True when both results come from one run (compared by identity). */
    boolean sameRun(final JmhResult a, final JmhResult b)
    {
        for (final List<JmhResult> run : runs)
        {
            boolean hasA = false;
            boolean hasB = false;
            for (final JmhResult r : run)
            {
                hasA |= r == a;
                hasB |= r == b;
            }
            if (hasA || hasB)
            {
                return hasA && hasB;
            }
        }
        return false;
    }

    /**
     * Results of one benchmark class, all from the first run that measured the class, so that one table never
     * mixes rows measured at different times (or from different code).
     */
    List<JmhResult> ofClass(final String simpleClassName)
    {
        for (final List<JmhResult> run : runs)
        {
            final List<JmhResult> out = new ArrayList<>();
            for (final JmhResult r : run)
            {
                if (r.shortName().startsWith(simpleClassName + "."))
                {
                    out.add(r);
                }
            }
            if (!out.isEmpty())
            {
                return out;
            }
        }
        return List.of();
    }

    private static boolean matches(final Map<String, String> params, final String... nameValues)
    {
        for (int i = 0; i < nameValues.length; i += 2)
        {
            if (!nameValues[i + 1].equals(params.get(nameValues[i])))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code cpu.time.norm} (always ns) in the unit of the result's score. It counts every thread of the JVM and
     * per-invocation setup too, so it can exceed the score where JMH excludes work from the timing.
     */
    static double cpuInScoreUnit(final JmhResult r)
    {
        final String u = r.unit();
        final double scale = u.startsWith("us") ? 1e3 : u.startsWith("ms") ? 1e6 : u.startsWith("s/") ? 1e9 : 1;
        return r.cpuNorm() / scale;
    }

    /** Score ± half the 99.9 % interval, with three significant figures. */
    static String score(final JmhResult r)
    {
        if (r == null)
        {
            return "not run";
        }
        final double error = (r.high() - r.low()) / 2;
        return Double.isNaN(error) ? figure(r.score()) : figure(r.score()) + " ± " + figure(error);
    }

    static String figure(final double v)
    {
        if (Double.isNaN(v))
        {
            return "–";
        }
        final double a = Math.abs(v);
        return a >= 100 ? String.format("%,.0f", v) : a >= 10 ? String.format("%.1f", v) : String.format("%.2f", v);
    }
}
