package io.vipflow.harness.report;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * A progress bar for a long run: {@code [=========>          ] 42% 4.2M/10.0M packets 1.9M/s ETA 0:03}.
 * <p>
 * On a console the line is redrawn in place with {@code \r} at most every {@link #CONSOLE_INTERVAL_NANOS};
 * elsewhere (CI logs, pipes) a plain line is printed each time another tenth of the total is done, or every
 * {@link #PLAIN_INTERVAL_NANOS} when the total is unknown. Progress is for people only: it goes to standard error,
 * its timing varies from run to run, and nothing that must be reproducible may include it.
 * <p>
 * Thread contract: any number of threads may call {@link #advance(long)} at once; it is lock-free except when
 * the call that wins the right to draw prints the line (one thread at a time, under the monitor of this
 * object). {@link #close()} may be called by any one thread after the workers have stopped advancing; it prints
 * the final line once. Advance in batches (every few thousand packets): each call reads the clock.
 */
public final class Progress implements AutoCloseable
{
    /** Minimum time between two redraws on a console, nanoseconds (about five a second). */
    public static final long CONSOLE_INTERVAL_NANOS = 200_000_000L;
    /** Time between two plain lines when the total is unknown, nanoseconds. */
    public static final long PLAIN_INTERVAL_NANOS = 5_000_000_000L;
    /** Characters between the brackets of the bar. */
    static final int BAR_WIDTH = 20;

    private final String prefix;
    private final String unit;
    private final long total;
    private final PrintStream out;
    private final boolean console;
    private final LongSupplier nanoClock;
    private final long startNanos;
    private final LongAdder done = new LongAdder();
    /** Clock value before which no thread draws; advanced by CAS so one caller draws per interval. */
    private final AtomicLong nextDrawNanos;
    /** Tenths of the total already printed in plain mode; advanced by CAS. */
    private final AtomicLong printedTenths = new AtomicLong();
    /** Written and read under the monitor of this object. */
    private int lastLength;
    /** Written and read under the monitor of this object. */
    private long lastUnits;
    private boolean closed;

    /**
     * @param unit      what is counted, plural ("packets").
     * @param total     units expected in the whole run, or 0 when unknown (no bar, percentage or ETA).
     * @param out       where lines go.
     * @param console   true to redraw one line in place, false for plain periodic lines.
     * @param nanoClock monotonic clock, nanoseconds ({@code System::nanoTime} outside tests).
     */
    public Progress(
        final String unit, final long total, final PrintStream out, final boolean console, final LongSupplier nanoClock)
    {
        this("", unit, total, out, console, nanoClock);
    }

    /**
     * @param label     what is running, put before the bar ("maglev"), or empty.
     * @param unit      what is counted, plural ("packets").
     * @param total     units expected in the whole run, or 0 when unknown (no bar, percentage or ETA).
     * @param out       where lines go.
     * @param console   true to redraw one line in place, false for plain periodic lines.
     * @param nanoClock monotonic clock, nanoseconds ({@code System::nanoTime} outside tests).
     */
    public Progress(
        final String label,
        final String unit,
        final long total,
        final PrintStream out,
        final boolean console,
        final LongSupplier nanoClock)
    {
        if (total < 0)
        {
            throw new IllegalArgumentException("total " + total + " < 0");
        }
        this.prefix = label.isEmpty() ? "" : label + " ";
        this.unit = unit;
        this.total = total;
        this.out = out;
        this.console = console;
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
        this.nextDrawNanos = new AtomicLong(startNanos + (console ? CONSOLE_INTERVAL_NANOS : PLAIN_INTERVAL_NANOS));
    }

    /**
     * A progress bar on standard error, redrawn in place when the process has a console.
     *
     * @param unit  what is counted, plural ("packets").
     * @param total units expected, or 0 when unknown.
     * @return a started progress bar; close it when the run ends.
     */
    public static Progress start(final String unit, final long total)
    {
        return start("", unit, total);
    }

    /**
     * A labelled progress bar on standard error ({@code maglev [====>     ] 42% ...}), redrawn in place when the
     * process has a console.
     *
     * @param label what is running ("maglev"), or empty.
     * @param unit  what is counted, plural ("packets").
     * @param total units expected, or 0 when unknown.
     * @return a started progress bar; close it when the run ends.
     */
    public static Progress start(final String label, final String unit, final long total)
    {
        return new Progress(label, unit, total, System.err, System.console() != null, System::nanoTime);
    }

    /**
     * Counts units done and draws the line when it is due. Any thread.
     *
     * @param units units finished since this thread's previous call, ≥ 0.
     */
    public void advance(final long units)
    {
        done.add(units);
        final long now = nanoClock.getAsLong();
        if (console || total == 0)
        {
            final long due = nextDrawNanos.get();
            final long interval = console ? CONSOLE_INTERVAL_NANOS : PLAIN_INTERVAL_NANOS;
            if (now >= due && nextDrawNanos.compareAndSet(due, now + interval))
            {
                draw(done.sum(), now, false);
            }
        }
        else
        {
            final long sum = done.sum();
            final long tenths = Math.min(10, sum * 10 / total);
            final long printed = printedTenths.get();
            if (tenths > printed && tenths < 10 && printedTenths.compareAndSet(printed, tenths))
            {
                draw(sum, now, false);
            }
        }
    }

    /** @return units counted so far; exact once the advancing threads have stopped. */
    public long done()
    {
        return done.sum();
    }

    /** Prints the final line (with the elapsed time instead of the ETA) and ends it. Idempotent. */
    @Override
    public void close()
    {
        draw(done.sum(), nanoClock.getAsLong(), true);
    }

    /**
     * Prints the line for a count sampled by the caller when it won the right to draw. Winners can reach the
     * monitor out of order; a sample older than the last one printed is dropped so lines never go backwards.
     */
    private synchronized void draw(final long units, final long nowNanos, final boolean last)
    {
        if (closed || (!last && units < lastUnits))
        {
            return;
        }
        closed = last;
        lastUnits = units;
        final String line = line(units, nowNanos - startNanos, last);
        if (console)
        {
            final int pad = Math.max(0, lastLength - line.length());
            out.print('\r' + line + " ".repeat(pad) + (last ? System.lineSeparator() : ""));
            lastLength = line.length();
        }
        else
        {
            out.println(line);
        }
        out.flush();
    }

    /**
     * The text of one progress line.
     *
     * @param units        units done.
     * @param elapsedNanos time since the start, nanoseconds.
     * @param last         true for the final line (elapsed time instead of ETA).
     * @return the line, without a line end.
     */
    String line(final long units, final long elapsedNanos, final boolean last)
    {
        final StringBuilder sb = new StringBuilder(80).append(prefix);
        final double rate = elapsedNanos > 0 ? units * 1e9 / elapsedNanos : 0;
        if (total > 0)
        {
            final long shown = Math.min(units, total);
            final int filled = (int)(BAR_WIDTH * shown / total);
            sb.append('[').append("=".repeat(filled));
            if (filled < BAR_WIDTH)
            {
                sb.append('>').append(" ".repeat(BAR_WIDTH - filled - 1));
            }
            sb.append("] ").append(100 * shown / total).append("% ");
            sb.append(count(units)).append('/').append(count(total));
        }
        else
        {
            sb.append(count(units));
        }
        sb.append(' ').append(unit).append(' ').append(count(rate)).append("/s ");
        if (last)
        {
            sb.append("in ").append(clock(elapsedNanos / 1_000_000_000L));
        }
        else if (total > 0)
        {
            sb.append("ETA ").append(rate > 0 ? clock((long)Math.ceil((total - Math.min(units, total)) / rate)) : "-:--");
        }
        else
        {
            sb.append(clock(elapsedNanos / 1_000_000_000L));
        }
        return sb.toString();
    }

    /** 950, 4.2K, 4.2M, 1.0G: one decimal above a thousand. */
    static String count(final double value)
    {
        if (value < 1_000)
        {
            return String.format(Locale.ROOT, "%.0f", Math.floor(value));
        }
        if (value < 999_950)
        {
            return String.format(Locale.ROOT, "%.1fK", value / 1e3);
        }
        if (value < 999_950_000)
        {
            return String.format(Locale.ROOT, "%.1fM", value / 1e6);
        }
        return String.format(Locale.ROOT, "%.1fG", value / 1e9);
    }

    /** 0:03, 12:40, 1:02:03. */
    static String clock(final long seconds)
    {
        final long h = seconds / 3600;
        final long m = seconds / 60 % 60;
        final long s = seconds % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s) : String.format(Locale.ROOT, "%d:%02d", m, s);
    }
}
