package io.vipflow.harness.soak;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vipflow.conntrack.ConnTable;
import io.vipflow.harness.output.OutputFile;
import io.vipflow.harness.output.Outputs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code vipflow soak}: a bounded soak of one balancer under continuous churn, a SYN flood and every worker busy;
 * prints a checkpoint line every {@code --checkpoint} and a verdict. Exit code 1 when the reference model or the
 * counter audit found a violation or memory grew, 2 for a bad argument.
 */
@Command(name = "soak", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Run one balancer for a while under continuous churn (rolling updates, crash loops, node",
        "failures), a SYN flood and a scan, with every decision checked against the reference model, and check",
        "that heap and off-heap memory stay flat and the counters agree with the connection table."})
public final class SoakCommand implements Callable<Integer>
{
    @Option(names = "--duration", defaultValue = "5m", paramLabel = "TIME",
        description = "How long to run: 90s, 5m, 1h (default: ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--workers", paramLabel = "N",
        description = "Data-plane worker threads (default: one per processor).")
    Integer workers;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--round-packets", defaultValue = "200000", paramLabel = "N",
        description = "Packets per round of churn and traffic (default: ${DEFAULT-VALUE}).")
    long roundPackets;

    @Option(names = "--capacity", defaultValue = "65536", paramLabel = "N",
        description = "Connection-table capacity (default: ${DEFAULT-VALUE}; the flood overfills it).")
    int capacity;

    @Option(names = "--checkpoint", defaultValue = "30s", paramLabel = "TIME",
        description = "Time between two checkpoint lines (default: ${DEFAULT-VALUE}).")
    String checkpoint;

    @Option(names = "--json", paramLabel = "FILE.json", description = "Write every round's figures and the verdict.")
    Path json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Largest table one soak allocates; the soak's point is a table the flood overfills. */
    static final int MAX_CAPACITY = 1 << 24;

    @Override
    public Integer call() throws IOException
    {
        final Soak.Options options;
        final long checkpointNanos;
        try
        {
            checkpointNanos = parseDuration(checkpoint, "--checkpoint");
            if (capacity < 1 || capacity > MAX_CAPACITY)
            {
                throw new IllegalArgumentException("--capacity " + capacity + ": from 1 to " + MAX_CAPACITY +
                    " entries (the table is direct memory, about " + ConnTable.BUCKET_BYTES * 4 / 3 /
                    ConnTable.WAYS + " bytes an entry, within the JVM's limit: -XX:MaxDirectMemorySize or -Xmx)");
            }
            options = new Soak.Options(parseDuration(duration, "--duration"),
                workers == null ? Runtime.getRuntime().availableProcessors() : workers, seed, roundPackets, capacity);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), ex.getMessage());
        }
        new Outputs().output("--json", json);
        final PrintWriter out = spec.commandLine().getOut();
        out.printf("soak: %s, %d workers, seed %d, %,d packets a round, table capacity %,d%n", duration,
            options.workers(), seed, roundPackets, capacity);
        final long[] lastPrinted = {Long.MIN_VALUE};
        final SoakTotals totals = Soak.run(options, round ->
        {
            if (round.round() == 0 || round.elapsedNanos() - lastPrinted[0] >= checkpointNanos)
            {
                lastPrinted[0] = round.elapsedNanos();
                out.println(checkpointLine(round));
                out.flush();
            }
        });
        final SoakVerdict verdict = SoakVerdict.of(totals, options.durationNanos());
        final Soak.Round last = totals.rounds().get(totals.rounds().size() - 1);
        out.println(checkpointLine(last));
        out.printf("packets %,d, churn events %,d, decisions checked %,d (per worker %s; %,d allowed only as " +
            "what an eviction may decide), verdicts %s%n", last.packets(), totals.churnEvents(),
            totals.oracleChecked(), java.util.Arrays.toString(totals.checkedPerWorker()), totals.explainedByEviction(),
            totals.verdicts());
        out.println("counters " + totals.counters());
        verdict.trends().forEach(t -> out.println("  " + t));
        totals.oracleExamples().forEach(e -> out.println("  oracle: " + e));
        totals.counterViolationExamples().forEach(e -> out.println("  counters: " + e));
        out.println(verdict.passed() ? "PASS" : "FAIL: " + String.join("; ", verdict.reasons()));
        out.flush();
        if (json != null)
        {
            writeJson(json, options, totals, verdict);
        }
        return verdict.passed() ? 0 : 1;
    }

    static String checkpointLine(final Soak.Round r)
    {
        return String.format(Locale.ROOT,
            "[%6.1f s] round %d: %,d packets, %,d churn events, heap after GC %.1f MiB, direct %.1f MiB " +
            "(%d buffers), mapped %.1f MiB, table entries at round end %,d, oracle violations %d, counter " +
            "violations %d", r.elapsedNanos() / 1e9, r.round(), r.packets(), r.churnEvents(),
            r.memory().heapUsedBytes() / (double)SoakVerdict.MIB, r.memory().directBytes() / (double)SoakVerdict.MIB,
            r.memory().directBuffers(), r.memory().mappedBytes() / (double)SoakVerdict.MIB, r.entriesAtEnd(),
            r.oracleViolations(), r.counterViolations());
    }

    private static void writeJson(final Path file, final Soak.Options options, final SoakTotals totals,
        final SoakVerdict verdict) throws IOException
    {
        final Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("options", options);
        doc.put("passed", verdict.passed());
        doc.put("reasons", verdict.reasons());
        doc.put("trends", verdict.trends());
        doc.put("oracleChecked", totals.oracleChecked());
        doc.put("oracleViolations", totals.oracleViolations());
        doc.put("explainedByEviction", totals.explainedByEviction());
        doc.put("oracleViolationsByKind", totals.oracleByKind());
        doc.put("oracleExamples", totals.oracleExamples());
        doc.put("checkedPerWorker", totals.checkedPerWorker());
        doc.put("counterViolations", totals.counterViolations());
        doc.put("counterViolationExamples", totals.counterViolationExamples());
        doc.put("churnEvents", totals.churnEvents());
        doc.put("verdicts", totals.verdicts());
        doc.put("counters", totals.counters());
        doc.put("rounds", totals.rounds());
        OutputFile.writeString(file, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .writeValueAsString(doc));
    }

    /** "90s", "5m", "1h", "500ms", or an ISO-8601 duration ("PT5M"). */
    static long parseDuration(final String text, final String option)
    {
        final String t = text.trim().toLowerCase(Locale.ROOT);
        try
        {
            final long nanos;
            if (t.startsWith("pt"))
            {
                nanos = Duration.parse(t).toNanos();
            }
            else if (t.endsWith("ms"))
            {
                nanos = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2))).toNanos();
            }
            else if (t.endsWith("s") || t.endsWith("m") || t.endsWith("h"))
            {
                nanos = Duration.parse("PT" + t.toUpperCase(Locale.ROOT)).toNanos();
            }
            else
            {
                throw new IllegalArgumentException(option + ": '" + text + "' needs a unit (s, m, h)");
            }
            if (nanos <= 0)
            {
                throw new IllegalArgumentException(option + " must be positive: " + text);
            }
            return nanos;
        }
        catch (final NumberFormatException | DateTimeParseException | ArithmeticException ex)
        {
            throw new IllegalArgumentException(option + ": '" + text + "' is not a duration such as 90s or 5m");
        }
    }
}
