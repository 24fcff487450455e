package io.vipflow.harness.sim;

import io.vipflow.harness.report.ChurnMark;
import io.vipflow.harness.report.RunReport;
import io.vipflow.harness.report.SchedulerRun;

import java.util.Locale;
import java.util.Map;

/**
 * The reproducible part of a run's results as text: every figure that depends on the seed alone, none measured
 * on the wall clock (packets per second and new-flow cost are left out). Two runs with the same scenario, seed and
 * options give the same bytes (see {@link Simulation} for which schedulers and worker counts that holds for).
 * <p>
 * Thread contract: stateless; any thread.
 */
public final class SummaryText
{
    private SummaryText()
    {
    }

    public static String render(final RunReport report)
    {
        final StringBuilder sb = new StringBuilder(4096);
        sb.append("scenario ").append(report.scenario()).append('\n');
        sb.append("seed ").append(report.seed()).append('\n');
        sb.append("simulated ").append(String.format(Locale.ROOT, "%.3f s", report.durationNanos() / 1e9))
            .append('\n');
        for (final SchedulerRun r : report.runs())
        {
            sb.append("\n[").append(r.scheduler()).append("]\n");
            line(sb, "packets", r.packets());
            line(sb, "flows", r.flows());
            line(sb, "broken flows", r.brokenFlows());
            line(sb, "broken, backend removed", r.brokenUnavoidable());
            line(sb, "broken by the scheduler", r.brokenByScheduler());
            if (r.sync() != null)
            {
                line(sb, "broken without sync", r.sync().brokenWithoutSync());
                line(sb, "  by the scheduler", r.sync().brokenBySchedulerWithoutSync());
            }
            sb.append(String.format(Locale.ROOT, "%-28s %.6f%n", "imbalance max/mean", r.imbalanceMaxOverMean()));
            line(sb, "oracle violations", r.oracleViolations());
            for (final Map.Entry<String, Long> e : r.violationsByKind().entrySet())
            {
                line(sb, "  " + e.getKey(), e.getValue());
            }
            for (final Map.Entry<String, Long> e : r.verdicts().entrySet())
            {
                line(sb, "verdict " + e.getKey(), e.getValue());
            }
            final long[] perMark = r.brokenPerChurnMark();
            for (int m = 0; m < perMark.length; m++)
            {
                if (perMark[m] > 0)
                {
                    line(sb, "broken at mark " + m, perMark[m]);
                }
            }
        }
        sb.append("\nchurn\n");
        int m = 0;
        for (final ChurnMark mark : report.churn())
        {
            sb.append(String.format(Locale.ROOT, "%4d %10.3f s  %s%n", m++, mark.atNanos() / 1e9,
                mark.description()));
        }
        return sb.toString();
    }

    private static void line(final StringBuilder sb, final String label, final long value)
    {
        sb.append(String.format(Locale.ROOT, "%-28s %d%n", label, value));
    }
}
