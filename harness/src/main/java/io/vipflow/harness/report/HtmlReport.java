package io.vipflow.harness.report;

import io.vipflow.harness.output.OutputFile;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link RunReport} as one self-contained HTML file: inline CSS, the report as an inline JSON block, the
 * charting library (ECharts, from its WebJar on the class path) and the page script inline, so the file opens
 * without a network. Tables are rendered here and hold every number; the script draws the charts from the JSON.
 * <p>
 * User text (scenario, notes, churn descriptions, backend labels) is escaped for where it lands: HTML-escaped
 * in markup, and in the JSON block {@code <}, {@code >} and {@code &} are written as {@code \}{@code u003c}-style
 * escapes so no string can end the script element. The output depends on the report alone.
 * <p>
 * Thread contract: stateless; any thread. The template and library text load once, on first use.
 */
public final class HtmlReport
{
    /** Class-path resource naming where the charting library lives (filtered with the pom's version). */
    static final String LIBRARY_PROPERTIES = "report/echarts.properties";
    /** Id of the script element that holds the report as JSON. */
    public static final String DATA_ELEMENT_ID = "run-data";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-zA-Z]+)}}");

    private HtmlReport()
    {
    }

    /**
     * Writes the report, replacing {@code out} atomically when the file system allows.
     *
     * @param report the run to show.
     * @param out    HTML file to write; its parent directory is created if missing.
     * @throws IOException when the file cannot be written.
     */
    public static void write(final RunReport report, final Path out) throws IOException
    {
        OutputFile.writeString(out, render(report));
    }

    /**
     * @param report the run to show.
     * @return the whole HTML document.
     */
    public static String render(final RunReport report)
    {
        final Map<String, String> values = new HashMap<>();
        final String title = "vipflow report: " + report.scenario();
        values.put("title", escape(title));
        values.put("css", Assets.CSS);
        values.put("facts", escape(String.format(Locale.ROOT, "seed %d · simulated %s · %d scheduler%s · %d churn event%s",
            report.seed(), TerminalSummary.seconds(report.durationNanos()), report.runs().size(),
            report.runs().size() == 1 ? "" : "s", report.churn().size(), report.churn().size() == 1 ? "" : "s")));
        values.put("notes", HtmlTables.notes(report.notes()));
        values.put("summary", HtmlTables.summary(report.runs()));
        values.put("churnChart", report.churn().isEmpty() || report.runs().isEmpty() ?
            "<p class=\"empty\">No churn in this run.</p>" : "<div class=\"chart\" id=\"chart-churn\"></div>");
        values.put("churn", HtmlTables.churn(report));
        values.put("violations", HtmlTables.violations(report.runs()));
        values.put("data", scriptSafeJson(report.toJson()));
        values.put("echarts", Assets.LIBRARY);
        values.put("page", Assets.PAGE);
        return fill(Assets.TEMPLATE, values);
    }

    /**
     * Replaces every {@code {{name}}} of the template in one pass, so text inserted for one placeholder is never
     * searched for another.
     */
    static String fill(final String template, final Map<String, String> values)
    {
        final Matcher m = PLACEHOLDER.matcher(template);
        final StringBuilder sb = new StringBuilder(template.length() + Assets.LIBRARY.length() + 65_536);
        int from = 0;
        while (m.find())
        {
            final String value = values.get(m.group(1));
            if (value == null)
            {
                throw new IllegalStateException("report template has no value for " + m.group());
            }
            sb.append(template, from, m.start()).append(value);
            from = m.end();
        }
        return sb.append(template, from, template.length()).toString();
    }

    /**
     * JSON made safe inside a script element. {@code <}, {@code >} and {@code &} occur in JSON only inside
     * strings, where their {@code \}{@code uXXXX} escapes mean the same, so the data parses back unchanged while
     * {@code </script>} and {@code <!--} cannot appear. U+2028 and U+2029 are escaped for JavaScript parsers.
     */
    static String scriptSafeJson(final String json)
    {
        final StringBuilder sb = new StringBuilder(json.length() + 64);
        for (int i = 0; i < json.length(); i++)
        {
            final char c = json.charAt(i);
            switch (c)
            {
                case '<' -> sb.append("\\u003c");
                case '>' -> sb.append("\\u003e");
                case '&' -> sb.append("\\u0026");
                case '\u2028' -> sb.append("\\u2028");
                case '\u2029' -> sb.append("\\u2029");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Text for HTML element content and quoted attribute values. */
    static String escape(final String text)
    {
        final StringBuilder sb = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            switch (c)
            {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** @return the text of a class-path resource, UTF-8. */
    static String resource(final String name)
    {
        try (InputStream in = HtmlReport.class.getClassLoader().getResourceAsStream(name))
        {
            if (in == null)
            {
                throw new IllegalStateException("missing from the class path: " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Path of the charting library inside its WebJar. */
    static String libraryPath()
    {
        final Properties properties = new Properties();
        try (InputStream in = HtmlReport.class.getClassLoader().getResourceAsStream(LIBRARY_PROPERTIES))
        {
            if (in == null)
            {
                throw new IllegalStateException("missing from the class path: " + LIBRARY_PROPERTIES);
            }
            properties.load(in);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return properties.getProperty("script");
    }

    /** Loaded on first use (class initialisation is thread-safe and happens once). */
    static final class Assets
    {
        static final String TEMPLATE = resource("report/report.html");
        static final String CSS = resource("report/report.css");
        static final String PAGE = resource("report/report.js");
        static final String LIBRARY = library();

        private Assets()
        {
        }

        private static String library()
        {
            final String js = resource(libraryPath());
            final String lower = js.toLowerCase(Locale.ROOT);
            if (lower.contains("</script") || lower.contains("<!--"))
            {
                // Inline, either would end or confuse the script element; the release in use has neither.
                throw new IllegalStateException(libraryPath() + " cannot be inlined: it contains </script or <!--");
            }
            return js;
        }
    }
}
