package io.vipflow.harness.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HtmlReportTest
{
    private static final String DATA_OPEN = "<script type=\"application/json\" id=\"" + HtmlReport.DATA_ELEMENT_ID + "\">";

    static String dataBlock(final String html)
    {
        final int start = html.indexOf(DATA_OPEN);
        assertTrue(start >= 0, "no data block");
        final int from = start + DATA_OPEN.length();
        return html.substring(from, html.indexOf("</script>", from));
    }

    @Test
    void jsonBlockParsesBackToTheSameReport()
    {
        final RunReport report = ReportFixtures.rollingUpdate();
        final RunReport back = RunReport.fromJson(dataBlock(HtmlReport.render(report)));
        assertEquals(report.toJson(), back.toJson());
        assertEquals(report.scenario(), back.scenario());
        assertEquals(report.churn(), back.churn());
        assertEquals(report.notes(), back.notes());
        for (int s = 0; s < report.runs().size(); s++)
        {
            final SchedulerRun expected = report.runs().get(s);
            final SchedulerRun actual = back.runs().get(s);
            assertEquals(expected.backends(), actual.backends());
            assertEquals(expected.verdicts(), actual.verdicts());
            assertArrayEquals(expected.brokenPerChurnMark(), actual.brokenPerChurnMark());
            assertEquals(ReportFixtures.BUCKETS, actual.newFlowsPerBackendPerBucket().size());
            for (int t = 0; t < ReportFixtures.BUCKETS; t++)
            {
                assertArrayEquals(expected.newFlowsPerBackendPerBucket().get(t), actual.newFlowsPerBackendPerBucket().get(t));
            }
        }
    }

    @Test
    void userTextCannotEscapeItsPlace()
    {
        final String attack = "</script><script>alert(1)</script>";
        final RunReport fixture = ReportFixtures.rollingUpdate();
        final SchedulerRun run = fixture.runs().get(0);
        final SchedulerRun hostile = new SchedulerRun("<i>rr</i>", run.packets(), run.packetsPerSecond(), run.flows(),
            run.brokenFlows(), run.brokenUnavoidable(), run.brokenByScheduler(), run.imbalanceMaxOverMean(),
            run.p99NewFlowNanos(), 2, Map.of("<b>kind</b>", 2L), List.of("</SCRIPT ><img src=x onerror=alert(3)>"),
            List.of("\"><img src=x onerror=alert(4)>", "b\u2028c"), run.bucketNanos(),
            List.of(new long[]{1, 2}), new long[]{5}, Map.of());
        final RunReport report = new RunReport(attack, 1, 1_000_000_000L, List.of(hostile),
            List.of(new ChurnMark(0, "<!-- & </Script>")), List.of("<img src=x onerror=alert(2)> & 'quotes' \"too\""));
        // The library's own text is checked once, when it is loaded; here only what the report put in.
        final String html = HtmlReport.render(report).replace(HtmlReport.Assets.LIBRARY, "");

        final String lower = html.toLowerCase(Locale.ROOT);
        assertEquals(3, count(lower, "</script"), "only the data, library and page scripts close");
        assertEquals(3, count(lower, "<script"), "only the data, library and page scripts open");
        assertFalse(lower.contains("<img"), "markup from the report became an element");
        assertFalse(lower.contains("<!--"), "a comment opener from the report reached the page");
        assertFalse(html.contains("<i>") || html.contains("<b>"));
        assertTrue(html.contains("<title>vipflow report: &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>"));
        assertTrue(html.contains("&lt;img src=x onerror=alert(2)&gt; &amp; &#39;quotes&#39; &quot;too&quot;"));
        assertFalse(dataBlock(html).contains("\u2028"), "U+2028 escaped for JavaScript parsers");

        final RunReport back = RunReport.fromJson(dataBlock(html));
        assertEquals(report.toJson(), back.toJson(), "escaping must not change the data");
        assertEquals(attack, back.scenario());
    }

    @Test
    void placeholdersFilledInOnePass()
    {
        final RunReport report = new RunReport("{{data}} {{page}}", 1, 0, List.of(), List.of(), List.of("{{echarts}}"));
        final String html = HtmlReport.render(report);
        assertTrue(html.contains("<title>vipflow report: {{data}} {{page}}</title>"), "inserted text is not expanded");
        assertTrue(html.contains("<li>{{echarts}}</li>"));
        assertThrows(IllegalStateException.class, () -> HtmlReport.fill("a {{missing}} b", Map.of()));
        assertEquals("x {{b}} y 2 z", HtmlReport.fill("x {{a}} y {{b}} z", Map.of("a", "{{b}}", "b", "2")));
    }

    @Test
    void selfContainedWithTheChartingLibraryInline()
    {
        final String path = HtmlReport.libraryPath();
        assertTrue(Pattern.matches("META-INF/resources/webjars/echarts/\\d+\\.\\d+\\.\\d+/dist/echarts\\.min\\.js", path),
            path);
        final String html = HtmlReport.render(ReportFixtures.rollingUpdate());
        assertTrue(html.length() > 500_000, "library inlined: " + html.length() + " characters");
        assertTrue(html.contains(HtmlReport.Assets.LIBRARY));
        final String page = html.replace(HtmlReport.Assets.LIBRARY, "");
        assertFalse(Pattern.compile("<script[^>]*\\ssrc=|<link\\s|<img\\s|<iframe|https?://", Pattern.CASE_INSENSITIVE)
            .matcher(page).find(), "nothing is fetched at view time");
        assertFalse(page.contains("{{"), "every placeholder filled");
    }

    @Test
    void tablesCarryTheSummaryNumbers()
    {
        final String html = HtmlReport.render(ReportFixtures.rollingUpdate());
        assertTrue(html.contains("<th>maglev</th><th>rr</th><th>random</th>"));
        assertTrue(html.contains("<td>imbalance max/mean</td><td>1.040</td><td>1.150</td><td>1.260</td>"), html);
        assertTrue(html.contains("<tr class=\"sub\"><td>by scheduler</td><td>0</td><td>247</td><td>514</td>"));
        assertTrue(html.contains("<td class=\"text\">web-5 not ready &lt;probe failed&gt; &amp; removed</td>"));
        assertTrue(html.contains("seed 42 · simulated 15.000 s · 3 schedulers · 4 churn events"));
        assertEquals(2, count(html, "<div class=\"chart"), "comparison and churn; the script adds the load charts");
    }

    @Test
    void writeIsDeterministicAndReplacesTheFile(@TempDir final Path dir) throws Exception
    {
        final Path out = dir.resolve("nested").resolve("report.html");
        Files.writeString(Files.createDirectories(out.getParent()).resolve("report.html"), "old");
        HtmlReport.write(ReportFixtures.rollingUpdate(), out);
        final String first = Files.readString(out, StandardCharsets.UTF_8);
        HtmlReport.write(ReportFixtures.rollingUpdate(), out);
        assertEquals(first, Files.readString(out, StandardCharsets.UTF_8));
        assertTrue(first.startsWith("<!DOCTYPE html>"));
        try (var files = Files.list(out.getParent()))
        {
            assertEquals(List.of(out), files.toList(), "no temporary file left behind");
        }
    }

    private static int count(final String text, final String needle)
    {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1))
        {
            n++;
        }
        return n;
    }
}
