package io.vipflow.harness.conntrack;

import io.vipflow.conntrack.ConnTable;
import io.vipflow.conntrack.ConnView;
import io.vipflow.conntrack.FlowKey;
import io.vipflow.conntrack.chronicle.ChronicleConnTable;
import io.vipflow.harness.Main;
import io.vipflow.harness.output.HardStopOnSignal;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

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

    @Option(names = "--wait", paramLabel = "S", defaultValue = "5",
        description = "Seconds to wait for a Chronicle table's header and each segment lock (default: " +
            "${DEFAULT-VALUE}).")
    double waitSeconds;

    private static final int OPENING = 0;
    private static final int READING = 1;

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
        if (!(waitSeconds > 0))
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--wait must be > 0");
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
        catch (final InternalError ex)
        {
            // A fault while reading the mapped file: another process truncated it under the dump.
            err.println("vipflow: " + file + ": the file shrank while it was read (truncated by another process?)");
            err.flush();
            return Main.EXIT_BAD_INPUT;
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

    /**
     * Entries are copied out under each segment's lock and written after, so a slow reader never holds a lock.
     * Chronicle Map waits about a minute for an incomplete header or a held lock and cannot be interrupted, so
     * the reading runs on a daemon thread under {@code --wait}: on time-out the dump ends with the cause, and the
     * thread ends with the JVM.
     */
    private void dumpChronicle(final OutputStream out, final long now) throws IOException
    {
        final List<FlowKey> keys = new ArrayList<>();
        final List<long[]> values = new ArrayList<>();
        final AtomicInteger stage = new AtomicInteger(OPENING);
        final FutureTask<Void> read = new FutureTask<>(() ->
        {
            try (ChronicleConnTable table = ChronicleConnTable.inspect(file))
            {
                stage.set(READING);
                table.forEach((key, view) ->
                {
                    keys.add(new FlowKey().set(key.protocol, key.srcHi, key.srcLo, key.srcPort, key.dstHi,
                        key.dstLo, key.dstPort));
                    values.add(new long[] {view.backendId(), view.state(), view.expiryNanos(),
                        view.createdNanos()});
                });
            }
            return null;
        });
        final Thread reader = new Thread(read, "chronicle-dump");
        reader.setDaemon(true);
        reader.start();
        try (HardStopOnSignal ignored = HardStopOnSignal.arm("reading " + file))
        {
            awaitUnlessStalled(read, reader, stage);
        }
        catch (final ExecutionException ex)
        {
            final Throwable cause = ex.getCause() instanceof UncheckedIOException u ? u.getCause() : ex.getCause();
            throw new IllegalStateException("not a Chronicle connection table (" + problem(cause) + ")", ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading", ex);
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

    /**
     * Waits for the read while it makes progress: Chronicle Map compiles its generated classes on first use,
     * which takes seconds on a busy machine and is not a stall; spinning on a lock or pausing for a header is,
     * and ends the wait after {@code --wait} of it.
     */
    private void awaitUnlessStalled(final FutureTask<Void> read, final Thread reader, final AtomicInteger stage)
        throws ExecutionException, InterruptedException
    {
        final long limit = (long)(waitSeconds * 1e9);
        long progressAt = System.nanoTime();
        while (true)
        {
            try
            {
                read.get(100, TimeUnit.MILLISECONDS);
                return;
            }
            catch (final TimeoutException ex)
            {
                final StackTraceElement[] stack = reader.getStackTrace();
                if (!lockWait(stack) && !headerWait(stack))
                {
                    progressAt = System.nanoTime();
                }
                else if (System.nanoTime() - progressAt > limit)
                {
                    Main.abandonedWork = true;
                    final String wait = new java.math.BigDecimal(Double.toString(waitSeconds)).stripTrailingZeros()
                        .toPlainString();
                    throw new IllegalStateException(lockWait(stack) ?
                        "a segment lock was held for more than " + wait + " s: a stale lock, left by a writer " +
                            "killed while holding it (opening the table for writing recovers it), or a writer " +
                            "stuck inside a segment" :
                        (stage.get() == OPENING ? "the table did not open" : "the entries could not be read") +
                            " within " + wait + " s: an incomplete header (its writer is still creating it or was " +
                            "killed while creating it) or not a Chronicle table");
                }
            }
        }
    }

    /** Waiting for a header another process has not finished: Chronicle pauses in a loop named for it. */
    private static boolean headerWait(final StackTraceElement[] stack)
    {
        for (final StackTraceElement frame : stack)
        {
            if (frame.getClassName().startsWith("net.openhft.") &&
                frame.getMethodName().matches("(?i).*(wait|pause|ready).*"))
            {
                return true;
            }
        }
        return false;
    }

    /** Chronicle's segment locks spin in methods named for them ({@code tryUpdateLockMillis}, ...). */
    private static boolean lockWait(final StackTraceElement[] stack)
    {
        for (final StackTraceElement frame : stack)
        {
            if (frame.getClassName().startsWith("net.openhft.") && frame.getMethodName().contains("Lock"))
            {
                return true;
            }
        }
        return false;
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
