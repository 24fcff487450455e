package io.vipflow.sched;

import io.vipflow.internal.CounterStripes;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Live connection counts of one backend (IPVS {@code activeconns} / {@code inactconns}): active = TCP entries in
 * ESTABLISHED, inactive = every other entry, UDP included (docs/SEMANTICS.md §3). They drive the lc family of
 * schedulers.
 * <p>
 * Striped: each count is the sum of {@link #STRIPES} cells, each pair of cells on a cache line of its own. Every
 * data-plane thread changes these counts on every new flow and every removal, so a single pair of words would be
 * one cache line written by every core. A thread adds to the pair of the stripe it owns
 * ({@link CounterStripes}), with a plain read and an opaque store, since no other thread writes that pair; a thread
 * that owns no stripe adds atomically ({@code getAndAdd}) to the shared pair. So every add is counted exactly, and
 * a sum read when no thread is adding is exact. Readers (schedulers) sum the stripes with opaque loads and may be
 * a few updates behind.
 * <p>
 * Any thread may add or read.
 */
public final class ConnCounters
{
    /** Stripes per backend: {@link CounterStripes#COUNT}, the owned stripes and the shared one. */
    public static final int STRIPES = CounterStripes.COUNT;
    /** Longs per stripe: one 64-byte line holds the active and the inactive cell of a stripe. */
    private static final int STRIDE = 8;
    /** A line of padding before the first stripe, so no other object's words share a stripe's line. */
    private static final int PAD = 8;
    private static final int ACTIVE = 0;
    private static final int INACTIVE = 1;
    private static final VarHandle CELLS = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] cells = new long[PAD + STRIPES * STRIDE + PAD];

    /** {@return the calling thread's stripe, {@code 0..STRIPES-1} ({@link CounterStripes#stripe})} */
    public static int threadStripe()
    {
        return CounterStripes.stripe();
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
     * Adds to the active count, in the calling thread's stripe.
     *
     * @param delta the change, negative to subtract
     */
    public void addActive(final long delta)
    {
        add(CounterStripes.stripe(), ACTIVE, delta);
    }

    /**
     * Adds to the inactive count, in the calling thread's stripe.
     *
     * @param delta the change, negative to subtract
     */
    public void addInactive(final long delta)
    {
        add(CounterStripes.stripe(), INACTIVE, delta);
    }

    /**
     * {@link #addActive(long)} with the caller's stripe from its ticket (the data plane's, looked up once per thread).
     *
     * @param by    the calling thread's ticket; another thread's is looked up again, never trusted
     * @param delta the change, negative to subtract
     * @hidden
     */
    public void addActive(final CounterStripes.Ticket by, final long delta)
    {
        add(by.stripeFor(), ACTIVE, delta);
    }

    /**
     * {@link #addInactive(long)} with the caller's stripe from its ticket.
     *
     * @param by    the calling thread's ticket; another thread's is looked up again, never trusted
     * @param delta the change, negative to subtract
     * @hidden
     */
    public void addInactive(final CounterStripes.Ticket by, final long delta)
    {
        add(by.stripeFor(), INACTIVE, delta);
    }

    private void add(final int stripe, final int cell, final long delta)
    {
        final int index = PAD + stripe * STRIDE + cell;
        if (stripe == CounterStripes.SHARED)
        {
            CELLS.getAndAdd(cells, index, delta);
        }
        else
        {
            // The stripe's owner is the only thread that writes this cell: read, add, and store it whole (opaque),
            // with no locked instruction. Readers sum with opaque loads.
            CELLS.setOpaque(cells, index, (long)CELLS.getOpaque(cells, index) + delta);
        }
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
