package io.vipflow.bench.report;

import io.vipflow.bench.gate.JmhResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A set of JMH results with look-ups by benchmark and parameters. Immutable. */
final class Results
{
    final List<JmhResult> all;

    Results(final List<JmhResult> all)
    {
        this.all = List.copyOf(all);
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

    /**
     * Results of one benchmark class, in run order. A benchmark measured in several of the given runs is listed
     * once, from the first run that has it, as {@link #find} does.
     */
    List<JmhResult> ofClass(final String simpleClassName)
    {
        final List<JmhResult> out = new ArrayList<>();
        for (final JmhResult r : all)
        {
            if (r.shortName().startsWith(simpleClassName + ".") && find(r.shortName(), flatten(r.params())) == r)
            {
                out.add(r);
            }
        }
        return out;
    }

    private static String[] flatten(final Map<String, String> params)
    {
        final List<String> nameValues = new ArrayList<>();
        params.forEach((name, value) ->
        {
            nameValues.add(name);
            nameValues.add(value);
        });
        return nameValues.toArray(new String[0]);
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
