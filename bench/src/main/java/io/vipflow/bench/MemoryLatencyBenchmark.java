package io.vipflow.bench;

import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The machine's floor for a flow lookup: the latency of one load whose address depends on the previous one, over
 * {@code mebibytes} of memory visited in a random cycle of cache lines (each line holds the index of the next). At
 * 1 MiB that is a cache hit; at 256 MiB, the size of a million-flow table, it is a DRAM access plus, with 4 KiB
 * pages, a TLB miss and its page walk. {@code direct} reads off-heap memory as the connection table does;
 * {@code heap} reads a {@code long[]}, which the JVM can back with huge pages ({@code -XX:+UseTransparentHugePages})
 * where the kernel allows. A lookup that needs k dependent misses cannot beat k times this figure on one thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class MemoryLatencyBenchmark
{
    private static final int LINE = 64;
    /** Independent chains followed at once by {@link #independentLoads}: as many lookups as a classify batch holds. */
    static final int CHAINS = 16;

    @Param({"1", "16", "256"})
    public int mebibytes;

    @Param({"direct", "heap"})
    public String memory;

    private UnsafeBuffer direct;
    private long[] heap;
    private int cursor;
    private final int[] cursors = new int[CHAINS];

    @Setup
    public void setUp()
    {
        final int lines = (int)((long)mebibytes * 1024 * 1024 / LINE);
        // Sattolo's shuffle: one cycle through every line, in random order.
        final int[] next = new int[lines];
        for (int i = 0; i < lines; i++)
        {
            next[i] = i;
        }
        final SplittableRandom random = new SplittableRandom(7);
        for (int i = lines - 1; i > 0; i--)
        {
            final int j = random.nextInt(i);
            final int t = next[i];
            next[i] = next[j];
            next[j] = t;
        }
        for (int c = 0; c < CHAINS; c++)
        {
            cursors[c] = next[(int)((long)c * lines / CHAINS)];
        }
        if ("direct".equals(memory))
        {
            direct = new UnsafeBuffer(ByteBuffer.allocateDirect(lines * LINE + LINE));
            for (int i = 0; i < lines; i++)
            {
                direct.putLong(i * LINE, next[i]);
            }
        }
        else
        {
            heap = new long[lines * (LINE / 8)];
            for (int i = 0; i < lines; i++)
            {
                heap[i * (LINE / 8)] = next[i];
            }
        }
    }

    @Benchmark
    public int dependentLoad()
    {
        final int at = cursor;
        return cursor = (int)(direct != null ? direct.getLong(at * LINE) : heap[at * (LINE / 8)]);
    }

    /**
     * {@link #dependentLoad} with three more lines loaded at each step, at addresses that depend on the same index as
     * the chain's next line (so all four are issued together) and nothing waits for: what a lookup pays for loading
     * four lines at its first level, as the classifier does for an established packet of a large table, against one.
     */
    @Benchmark
    public long dependentLoadBesideThree()
    {
        final int at = cursor;
        final int lines = (int)((long)mebibytes * 1024 * 1024 / LINE);
        final int a = (int)(((at * 0x9E3779B97F4A7C15L) >>> 33) % lines);
        final int b = (int)(((at * 0xC2B2AE3D27D4EB4FL) >>> 33) % lines);
        final int c = (int)(((at * 0x165667B19E3779F9L) >>> 33) % lines);
        final long beside;
        if (direct != null)
        {
            beside = direct.getLong(a * LINE + 8) + direct.getLong(b * LINE + 8) + direct.getLong(c * LINE + 8);
            cursor = (int)direct.getLong(at * LINE);
        }
        else
        {
            beside = heap[a * (LINE / 8) + 1] + heap[b * (LINE / 8) + 1] + heap[c * (LINE / 8) + 1];
            cursor = (int)heap[at * (LINE / 8)];
        }
        return beside + cursor;
    }

    /**
     * Sixteen chains followed side by side: each load depends on the previous one of its own chain only, so up to
     * sixteen misses can be in flight. The score is per load; the gap to {@link #dependentLoad} is how much a batch
     * of lookups can overlap on this machine.
     */
    @Benchmark
    @OperationsPerInvocation(CHAINS)
    public int independentLoads()
    {
        final int[] c = cursors;
        int sum = 0;
        if (direct != null)
        {
            final UnsafeBuffer d = direct;
            for (int i = 0; i < CHAINS; i++)
            {
                sum += c[i] = (int)d.getLong(c[i] * LINE);
            }
        }
        else
        {
            final long[] h = heap;
            for (int i = 0; i < CHAINS; i++)
            {
                sum += c[i] = (int)h[c[i] * (LINE / 8)];
            }
        }
        return sum;
    }
}
