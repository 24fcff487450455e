package io.vipflow.harness.conntrack;

import io.vipflow.conntrack.ConnTable;
import io.vipflow.conntrack.ConnView;
import io.vipflow.conntrack.FlowKey;
import io.vipflow.conntrack.chronicle.ChronicleConnTable;
import io.vipflow.harness.Main;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code vipflow conntrack dump}: prints the live entries of a connection table file, which another process may be
 * writing at the same time (see {@link DumpWriter} for the output). The file is opened for inspection only:
 * a vipflow table is mapped read-only, a Chronicle Map table is read under its segments' read locks. A missing or
 * malformed file ends with one line naming it and exit code 2.
 */
@Command(name = "dump", mixinStandardHelpOptions = true,
    description = "Print the live entries of a connection table file, one per line, then a summary by state.")
public final class DumpCommand implements Callable<Integer>
{
    @Option(names = "--file", required = true, paramLabel = "FILE", description = "The connection table file.")
    Path file;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "auto", converter = TableFormat.Parser.class,
        completionCandidates = TableFormat.Names.class,
        description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}, from the file's header).")
    TableFormat format;

    @Option(names = "--now-nanos", paramLabel = "NANOS",
        description = "The table clock's present, for expiry and age (default: now, in epoch nanoseconds).")
    Long nowNanos;

    @Option(names = "--json", description = "JSON Lines instead of text.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException
    {
        final PrintWriter err = spec.commandLine().getErr();
        if (!Files.isRegularFile(file) || !Files.isReadable(file))
        {
            err.println("vipflow: " + file + ": " + (Files.exists(file) ? "not a readable file" : "no such file"));
            err.flush();
            return Main.EXIT_BAD_INPUT;
        }
        final long now = nowNanos != null ? nowNanos : epochNanos();
        final OutputStream out = new BufferedOutputStream(System.out);
        try
        {
            if (format.resolve(file) == TableFormat.CHRONICLE)
            {
                dumpChronicle(out, now);
            }
            else
            {
                dumpTable(out, now);
            }
        }
        catch (final UncheckedIOException | IllegalStateException | IllegalArgumentException ex)
        {
            // Either table reports a bad file as one of these; the cause names the problem.
            final Throwable cause = ex instanceof UncheckedIOException ? ex.getCause() : ex;
            err.println("vipflow: " + file + ": " + problem(cause));
            err.flush();
            return Main.EXIT_BAD_INPUT;
        }
        finally
        {
            out.flush();
        }
        return 0;
    }

    private void dumpTable(final OutputStream out, final long now) throws IOException
    {
        try (ConnTable table = ConnTable.inspect(file); DumpWriter writer = new DumpWriter(out, json, now))
        {
            final FlowKey key = new FlowKey();
            final ConnView view = new ConnView();
            for (int slot = 0, slots = table.slotCount(); slot < slots; slot++)
            {
                if (table.readSlot(slot, key, view))
                {
                    writer.entry(key, view.backendId(), view.state(), view.expiryNanos(), view.createdNanos());
                }
            }
            writer.summary();
        }
    }

    /** Entries are copied out under each segment's lock and written after, so a slow reader never holds a lock. */
    private void dumpChronicle(final OutputStream out, final long now) throws IOException
    {
        final List<FlowKey> keys = new ArrayList<>();
        final List<long[]> values = new ArrayList<>();
        try (ChronicleConnTable table = ChronicleConnTable.inspect(file))
        {
            table.forEach((key, view) ->
            {
                keys.add(new FlowKey().set(key.protocol, key.srcHi, key.srcLo, key.srcPort, key.dstHi, key.dstLo,
                    key.dstPort));
                values.add(new long[] {view.backendId(), view.state(), view.expiryNanos(), view.createdNanos()});
            });
        }
        catch (final RuntimeException ex)
        {
            final Throwable cause = ex instanceof UncheckedIOException ? ex.getCause() : ex;
            throw new IllegalStateException("not a Chronicle connection table (" + problem(cause) + ")", ex);
        }
        try (DumpWriter writer = new DumpWriter(out, json, now))
        {
            for (int i = 0; i < keys.size(); i++)
            {
                final long[] v = values.get(i);
                writer.entry(keys.get(i), (int)v[0], (int)v[1], v[2], v[3]);
            }
            writer.summary();
        }
    }

    private static String problem(final Throwable ex)
    {
        final String message = ex.getMessage();
        return message == null || message.isBlank() ? ex.getClass().getSimpleName() : message.lines().findFirst()
            .orElse(message);
    }

    private static long epochNanos()
    {
        final Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
