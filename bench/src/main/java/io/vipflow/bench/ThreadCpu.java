package io.vipflow.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What each thread of this JVM did over a set of intervals (the measured iterations of a benchmark), from Linux's
 * per-thread scheduler statistics ({@code /proc/self/task/TID/schedstat}: time on a CPU, time runnable but waiting
 * for one, times it was given a CPU): its CPU as a percentage of one core, and how long it waited for a CPU each
 * time it became runnable. A thread that sleeps when idle and waits long for a CPU when woken adds that wait to
 * every change it passes on: on a machine whose cores are all busy, this, not the thread's own work, is the lag.
 * Threads are named by their kernel names (the first 15 characters of the Java name). Without {@code /proc} (not
 * Linux) the report says so.
 * <p>
 * Thread contract: one thread calls {@link #begin}, {@link #end} and {@link #report}; they allocate and read files,
 * so call them outside timed code.
 */
final class ThreadCpu
{
    /** Threads below this share of a core over the whole are summed as "other". */
    private static final double SHOWN_PERCENT = 0.5;
    private static final Path TASKS = Path.of("/proc/self/task");

    /** cpu, wait, slices per thread id at the start of the interval. */
    private final Map<String, long[]> start = new HashMap<>();
    /** cpu, wait, slices per thread name, summed over the intervals. */
    private final Map<String, long[]> byName = new HashMap<>();
    private long startWall;
    private long wall;
    private boolean unavailable;

    /** Starts an interval. */
    void begin()
    {
        start.clear();
        read((tid, name, stat) -> start.put(tid, stat));
        startWall = System.nanoTime();
    }

    /** Ends the interval and adds what each thread did in it (threads born during it count from 0). */
    void end()
    {
        wall += System.nanoTime() - startWall;
        read((tid, name, stat) ->
        {
            final long[] before = start.getOrDefault(tid, new long[3]);
            final long[] sum = byName.computeIfAbsent(name, n -> new long[3]);
            for (int i = 0; i < 3; i++)
            {
                sum[i] += stat[i] - before[i];
            }
        });
    }

    private interface TaskVisitor
    {
        void visit(String tid, String name, long[] stat);
    }

    private void read(final TaskVisitor visitor)
    {
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS))
        {
            for (final Path task : tasks)
            {
                try
                {
                    final String[] f = Files.readString(task.resolve("schedstat")).trim().split(" ");
                    final String name = Files.readString(task.resolve("comm")).trim();
                    visitor.visit(task.getFileName().toString(), name,
                        new long[] {Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])});
                }
                catch (final IOException | RuntimeException e)
                {
                    // The thread ended meanwhile, or the kernel keeps no statistics: it is left out.
                }
            }
        }
        catch (final IOException e)
        {
            unavailable = true;
        }
    }

    /**
     * Each thread's share of one core and its mean wait for a CPU per time it ran, largest CPU first; {@code
     * renames} are pairs of a kernel thread name and the name to print for it.
     */
    String report(final String... renames)
    {
        if (unavailable)
        {
            return "no per-thread scheduler statistics on this system";
        }
        final Map<String, String> names = new HashMap<>();
        for (int i = 0; i < renames.length; i += 2)
        {
            names.put(renames[i], renames[i + 1]);
        }
        final StringBuilder out = new StringBuilder();
        double other = 0;
        double total = 0;
        final List<Map.Entry<String, long[]>> byCpu = new ArrayList<>(byName.entrySet());
        byCpu.sort((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]));
        for (final Map.Entry<String, long[]> e : byCpu)
        {
            final long[] s = e.getValue();
            final double percent = 100.0 * s[0] / Math.max(1, wall);
            total += percent;
            if (percent >= SHOWN_PERCENT)
            {
                out.append(String.format("%s %.1f %% (waited %.1f µs for a CPU per run), ",
                    names.getOrDefault(e.getKey(), e.getKey()), percent, s[1] / 1e3 / Math.max(1, s[2])));
            }
            else
            {
                other += percent;
            }
        }
        return out.append(String.format("other %.1f %%; all %.1f %%", other, total)).toString();
    }
}
