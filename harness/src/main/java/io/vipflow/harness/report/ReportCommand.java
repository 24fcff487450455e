package io.vipflow.harness.report;

import io.vipflow.harness.output.Outputs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.CharacterCodingException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code vipflow report}: renders a saved {@link RunReport} (JSON) again, as the terminal summary on standard
 * output and the HTML report in a file. A missing or malformed input ends with one line on standard error and
 * exit code 2. One thread.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Render a saved run (JSON) as the terminal summary and a self-contained HTML report.")
public final class ReportCommand implements Callable<Integer>
{
    @Option(names = "--from", paramLabel = "RUN.json", required = true, description = "Saved run report.")
    Path from;

    @Option(names = "--out", paramLabel = "FILE.html", required = true, description = "HTML report to write.")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException
    {
        new Outputs().input("--from", from).output("--out", out);
        final String json;
        try
        {
            json = Files.readString(from, StandardCharsets.UTF_8);
        }
        catch (final NoSuchFileException ex)
        {
            throw new IOException(from + ": no such file", ex);
        }
        catch (final CharacterCodingException ex)
        {
            throw new IOException(from + ": not UTF-8 text", ex);
        }
        final RunReport report;
        try
        {
            report = RunReport.fromJson(json);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IOException(from + ": " + ex.getMessage(), ex);
        }
        HtmlReport.write(report, out);
        spec.commandLine().getOut().print(TerminalSummary.render(report));
        spec.commandLine().getOut().flush();
        spec.commandLine().getErr().println("report: " + out);
        return 0;
    }
}
