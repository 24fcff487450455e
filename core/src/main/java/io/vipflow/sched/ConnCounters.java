package io.vipflow.sched;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Live connection counts of one backend (IPVS {@code activeconns} / {@code inactconns}): active = TCP entries in
 * ESTABLISHED, inactive = every other entry, UDP included (docs/SEMANTICS.md §3). They drive the lc family of
 * schedulers.
 * <p>
 * Striped: each count is the sum of {@link #STRIPES} cells, each pair of cells on a cache line of its own, and a
 * thread adds to the pair its thread id selects. Every data-plane thread changes these counts on every new flow
 * and every removal, so a single pair of words would be one cache line written by every core; with stripes, threads
 * with neighbouring ids (data-plane threads started together) write different lines. Adds stay atomic
 * ({@code getAndAdd}), so two threads that share a stripe still count exactly, and a sum read when no thread is
 * adding is exact. Readers (schedulers) sum the stripes with opaque loads and may be a few updates behind.
 * <p>
 * Any thread may add or read.
 */
public final class ConnCounters
{
    /** Stripes per backend: the processors available at start, rounded up to a power of two, at most 16. */
    public static final int STRIPES = stripes(Runtime.getRuntime().availableProcessors());
    /** Longs per stripe: one 64-byte line holds the active and the inactive cell of a stripe. */
    private static final int STRIDE = 8;
    /** A line of padding before the first stripe, so no other object's words share a stripe's line. */
    private static final int PAD = 8;
    private static final int ACTIVE = 0;
    private static final int INACTIVE = 1;
    private static final VarHandle CELLS = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] cells = new long[PAD + STRIPES * STRIDE + PAD];

    static int stripes(final int processors)
    {
        final int wanted = Math.max(1, Math.min(16, processors));
        return wanted == 1 ? 1 : Integer.highestOneBit(wanted - 1) << 1;
    }

    /** {@return the calling thread's stripe, {@code 0..STRIPES-1}: consecutive thread ids get different stripes} */
    public static int threadStripe()
    {
        return (int)Thread.currentThread().getId() & (STRIPES - 1);
    }

    /** The first cell of the calling thread's stripe. */
    private static int stripeBase()
    {
        return PAD + threadStripe() * STRIDE;
    }

    /**
     * Active connections (ESTABLISHED TCP, as IPVS counts them), summed over the stripes.
     *
     * @return the sum of every stripe (each read opaque)
     */
    public long active()
    {
        return sum(ACTIVE);
    }

    /**
     * Inactive connections (every other entry state), summed over the stripes.
     *
     * @return the sum of every stripe (each read opaque)
     */
    public long inactive()
    {
        return sum(INACTIVE);
    }

    private long sum(final int cell)
    {
        long total = 0;
        for (int s = 0; s < STRIPES; s++)
        {
            total += (long)CELLS.getOpaque(cells, PAD + s * STRIDE + cell);
        }
        return total;
    }

    /**
     * {@return IPVS overhead used by lc and wlc: {@code 256 · active + inactive} ({@code ip_vs_dest_conn_overhead})}
     */
    public long overhead()
    {
        return (active() << 8) + inactive();
    }

    /**
     * Adds to the active count, in the calling thread's stripe (atomic).
     *
     * @param delta the change, negative to subtract
     */
    public void addActive(final long delta)
    {
        CELLS.getAndAdd(cells, stripeBase() + ACTIVE, delta);
    }

    /**
     * Adds to the inactive count, in the calling thread's stripe (atomic).
     *
     * @param delta the change, negative to subtract
     */
    public void addInactive(final long delta)
    {
        CELLS.getAndAdd(cells, stripeBase() + INACTIVE, delta);
    }

    /**
     * Sets both counts (tests and the CLI's what-if tools); not atomic with concurrent adds.
     *
     * @param activeCount   the active count
     * @param inactiveCount the inactive count
     */
    public void set(final long activeCount, final long inactiveCount)
    {
        for (int s = 0; s < STRIPES; s++)
        {
            CELLS.setVolatile(cells, PAD + s * STRIDE + ACTIVE, s == 0 ? activeCount : 0L);
            CELLS.setVolatile(cells, PAD + s * STRIDE + INACTIVE, s == 0 ? inactiveCount : 0L);
        }
    }

    @Override
    public String toString()
    {
        return active() + "/" + inactive();
    }
}
