package io.vipflow.harness.report;

import java.util.List;
import java.util.Map;

import static io.vipflow.harness.report.HtmlReport.escape;

/**
 * The tables of the HTML report: the same measures as {@link TerminalSummary} (same rows, same number format),
 * the churn marks with the flows each scheduler broke at them, oracle findings and notes. Every piece of text
 * from the report is HTML-escaped.
 * <p>
 * Thread contract: stateless; any thread.
 */
final class HtmlTables
{
    private HtmlTables()
    {
    }

    static String summary(final List<SchedulerRun> runs)
    {
        if (runs.isEmpty())
        {
            return "<p class=\"empty\">No scheduler runs.</p>";
        }
        final StringBuilder sb = new StringBuilder(2048);
        sb.append("<table class=\"summary\">\n<thead><tr><th></th>");
        for (final SchedulerRun run : runs)
        {
            sb.append("<th>").append(escape(run.scheduler())).append("</th>");
        }
        sb.append("</tr></thead>\n<tbody>\n");
        for (final TerminalSummary.Row row : TerminalSummary.rows(runs))
        {
            final boolean sub = row.label().startsWith(" ");
            sb.append(sub ? "<tr class=\"sub\">" : "<tr>").append("<td>").append(escape(row.label().strip()))
                .append("</td>");
            for (final SchedulerRun run : runs)
            {
                sb.append("<td>").append(escape(row.value().apply(run))).append("</td>");
            }
            sb.append("</tr>\n");
        }
        return sb.append("</tbody>\n</table>").toString();
    }

    static String churn(final RunReport report)
    {
        final List<ChurnMark> marks = report.churn();
        if (marks.isEmpty())
        {
            return "";
        }
        final StringBuilder sb = new StringBuilder(2048);
        sb.append("<table class=\"churn\">\n<thead><tr><th>#</th><th>at</th>");
        for (final SchedulerRun run : report.runs())
        {
            sb.append("<th>").append(escape(run.scheduler())).append("</th>");
        }
        sb.append("<th class=\"text\">change</th></tr></thead>\n<tbody>\n");
        for (int m = 0; m < marks.size(); m++)
        {
            sb.append("<tr><td>").append(m + 1).append("</td><td>")
                .append(escape(TerminalSummary.seconds(marks.get(m).atNanos()))).append("</td>");
            for (final SchedulerRun run : report.runs())
            {
                sb.append("<td>").append(escape(TerminalSummary.brokenAt(run, m))).append("</td>");
            }
            sb.append("<td class=\"text\">").append(escape(marks.get(m).description())).append("</td></tr>\n");
        }
        return sb.append("</tbody>\n</table>").toString();
    }

    static String violations(final List<SchedulerRun> runs)
    {
        final StringBuilder sb = new StringBuilder();
        for (final SchedulerRun run : runs)
        {
            if (run.oracleViolations() == 0)
            {
                continue;
            }
            sb.append("<h3>").append(escape(run.scheduler())).append(": ")
                .append(escape(TerminalSummary.integer(run.oracleViolations()))).append(" oracle violations</h3>\n");
            if (!run.violationsByKind().isEmpty())
            {
                sb.append("<p>");
                String separator = "";
                for (final Map.Entry<String, Long> kind : run.violationsByKind().entrySet())
                {
                    sb.append(separator).append(escape(kind.getKey())).append(' ')
                        .append(escape(TerminalSummary.integer(kind.getValue())));
                    separator = ", ";
                }
                sb.append("</p>\n");
            }
            sb.append("<ul class=\"violations\">\n");
            for (final String violation : run.firstViolations())
            {
                sb.append("<li>").append(escape(violation)).append("</li>\n");
            }
            sb.append("</ul>\n");
        }
        return sb.length() == 0 ? "" : "<section>\n<h2>Oracle violations</h2>\n" + sb + "</section>";
    }

    static String notes(final List<String> notes)
    {
        if (notes.isEmpty())
        {
            return "";
        }
        final StringBuilder sb = new StringBuilder("<ul class=\"notes\">\n");
        for (final String note : notes)
        {
            sb.append("<li>").append(escape(note)).append("</li>\n");
        }
        return sb.append("</ul>").toString();
    }
}
