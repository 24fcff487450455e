package io.vipflow.harness.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * A {@link RunReport} as plain text for a terminal: one column per scheduler, one row per measure, then the churn
 * marks with the flows each scheduler broke at each of them, the oracle's first findings and the notes.
 * <p>
 * The text depends on the report alone (numbers in {@link Locale#ROOT}, no clock), so the same report always
 * renders the same bytes. Thread contract: stateless; any thread.
 */
public final class TerminalSummary
{
    /** Violations listed per scheduler; the report may hold more. */
    static final int MAX_VIOLATIONS_SHOWN = 5;

    private TerminalSummary()
    {
    }

    /**
     * @param report the run to summarise.
     * @return the summary, lines ended with {@code \n}.
     */
    public static String render(final RunReport report)
    {
        final StringBuilder sb = new StringBuilder(2048);
        sb.append("Scenario ").append(report.scenario())
            .append("   seed ").append(report.seed())
            .append("   simulated ").append(seconds(report.durationNanos())).append('\n');
        if (report.runs().isEmpty())
        {
            sb.append("(no scheduler runs)\n");
        }
        else
        {
            sb.append('\n');
            measures(sb, report.runs());
        }
        churn(sb, report);
        violations(sb, report.runs());
        if (!report.notes().isEmpty())
        {
            sb.append("\nNotes\n");
            for (final String note : report.notes())
            {
                sb.append("  - ").append(note).append('\n');
            }
        }
        return sb.toString();
    }

    /** One row per measure, same rows and units as the HTML table. */
    static List<Row> rows(final List<SchedulerRun> runs)
    {
        final List<Row> rows = new ArrayList<>();
        rows.add(new Row("packets", r -> integer(r.packets())));
        rows.add(new Row("packets/s", r -> integer(Math.round(r.packetsPerSecond()))));
        rows.add(new Row("flows", r -> integer(r.flows())));
        rows.add(new Row("broken flows", r -> integer(r.brokenFlows())));
        rows.add(new Row("  unavoidable", r -> integer(r.brokenUnavoidable())));
        rows.add(new Row("  by scheduler", r -> integer(r.brokenByScheduler())));
        rows.add(new Row("imbalance max/mean", r -> fixed(r.imbalanceMaxOverMean(), 3)));
        rows.add(new Row("p99 new flow (ns)", r -> fixed(r.p99NewFlowNanos(), 0)));
        rows.add(new Row("oracle violations", r -> integer(r.oracleViolations())));
        if (runs.stream().anyMatch(r -> r.sync() != null))
        {
            rows.add(new Row("without sync: broken", r -> r.sync() == null ? "-" : integer(r.sync().brokenWithoutSync())));
            rows.add(new Row("  by scheduler", r -> r.sync() == null ? "-" :
                integer(r.sync().brokenBySchedulerWithoutSync())));
            rows.add(new Row("sync: in flight at change", r -> r.sync() == null ? "-" :
                integer(r.sync().inFlightAtChanges())));
            rows.add(new Row("sync: dropped, lost", r -> r.sync() == null ? "-" :
                integer(r.sync().dropped()) + ", " + integer(r.sync().lost())));
            rows.add(new Row("sync lag p50/p99 (µs)", r -> r.sync() == null || r.sync().lagP50Nanos() < 0 ? "-" :
                fixed(r.sync().lagP50Nanos() / 1e3, 0) + "/" + fixed(r.sync().lagP99Nanos() / 1e3, 0)));
        }
        return rows;
    }

    private static void measures(final StringBuilder sb, final List<SchedulerRun> runs)
    {
        final List<Row> rows = rows(runs);
        int labelWidth = 0;
        for (final Row row : rows)
        {
            labelWidth = Math.max(labelWidth, row.label().length());
        }
        final int[] widths = new int[runs.size()];
        for (int i = 0; i < runs.size(); i++)
        {
            widths[i] = runs.get(i).scheduler().length();
            for (final Row row : rows)
            {
                widths[i] = Math.max(widths[i], row.value().apply(runs.get(i)).length());
            }
        }
        sb.append(" ".repeat(labelWidth));
        for (int i = 0; i < runs.size(); i++)
        {
            sb.append("  ").append(padLeft(runs.get(i).scheduler(), widths[i]));
        }
        sb.append('\n');
        for (final Row row : rows)
        {
            sb.append(padRight(row.label(), labelWidth));
            for (int i = 0; i < runs.size(); i++)
            {
                sb.append("  ").append(padLeft(row.value().apply(runs.get(i)), widths[i]));
            }
            sb.append('\n');
        }
    }

    private static void churn(final StringBuilder sb, final RunReport report)
    {
        final List<ChurnMark> marks = report.churn();
        if (marks.isEmpty())
        {
            return;
        }
        final List<SchedulerRun> runs = report.runs();
        final String[] times = new String[marks.size()];
        int timeWidth = "at".length();
        for (int m = 0; m < marks.size(); m++)
        {
            times[m] = seconds(marks.get(m).atNanos());
            timeWidth = Math.max(timeWidth, times[m].length());
        }
        final int[] widths = new int[runs.size()];
        for (int i = 0; i < runs.size(); i++)
        {
            widths[i] = runs.get(i).scheduler().length();
            for (int m = 0; m < marks.size(); m++)
            {
                widths[i] = Math.max(widths[i], brokenAt(runs.get(i), m).length());
            }
        }
        sb.append("\nChurn (flows broken at each change)\n");
        sb.append("  ").append(padLeft("at", timeWidth));
        for (int i = 0; i < runs.size(); i++)
        {
            sb.append("  ").append(padLeft(runs.get(i).scheduler(), widths[i]));
        }
        sb.append("  change\n");
        for (int m = 0; m < marks.size(); m++)
        {
            sb.append("  ").append(padLeft(times[m], timeWidth));
            for (int i = 0; i < runs.size(); i++)
            {
                sb.append("  ").append(padLeft(brokenAt(runs.get(i), m), widths[i]));
            }
            sb.append("  ").append(marks.get(m).description()).append('\n');
        }
    }

    private static void violations(final StringBuilder sb, final List<SchedulerRun> runs)
    {
        for (final SchedulerRun run : runs)
        {
            if (run.oracleViolations() == 0)
            {
                continue;
            }
            sb.append('\n').append(run.scheduler()).append(": ").append(integer(run.oracleViolations()))
                .append(" oracle violations");
            String separator = " (";
            for (final Map.Entry<String, Long> kind : run.violationsByKind().entrySet())
            {
                sb.append(separator).append(kind.getKey()).append(' ').append(integer(kind.getValue()));
                separator = ", ";
            }
            sb.append(run.violationsByKind().isEmpty() ? "" : ")").append('\n');
            final List<String> first = run.firstViolations();
            for (int i = 0; i < Math.min(MAX_VIOLATIONS_SHOWN, first.size()); i++)
            {
                sb.append("  ").append(first.get(i)).append('\n');
            }
        }
    }

    /** Broken flows of a run at one churn mark, or "-" when the run has no count for it. */
    static String brokenAt(final SchedulerRun run, final int mark)
    {
        final long[] broken = run.brokenPerChurnMark();
        return mark < broken.length ? integer(broken[mark]) : "-";
    }

    /** 1,234,567. */
    static String integer(final long value)
    {
        return String.format(Locale.ROOT, "%,d", value);
    }

    /** Fixed decimals with grouping; "-" for NaN (a measure the run could not take). */
    static String fixed(final double value, final int decimals)
    {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%,." + decimals + "f", value);
    }

    /** Nanoseconds as seconds with millisecond precision: "12.500 s". */
    static String seconds(final long nanos)
    {
        return String.format(Locale.ROOT, "%.3f s", nanos / 1e9);
    }

    private static String padLeft(final String s, final int width)
    {
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }

    private static String padRight(final String s, final int width)
    {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    /** A measure: its label and how to read it from a run. */
    record Row(String label, Function<SchedulerRun, String> value)
    {
    }
}
