package io.vipflow.sched;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Live connection counts of one backend (IPVS {@code activeconns} / {@code inactconns}): active = TCP entries in
 * ESTABLISHED, inactive = every other entry, UDP included (docs/SEMANTICS.md §3). They drive the lc family of
 * schedulers.
 * <p>
 * Written by any data-plane thread with atomic adds ({@code getAndAdd}, full fence) whenever an entry is created,
 * changes state or goes away; read by schedulers with plain-opaque loads, which may be a few updates behind.
 * Padded on both sides so that two backends' counters never share a cache line.
 */
public final class ConnCounters
{
    private static final VarHandle ACTIVE;
    private static final VarHandle INACTIVE;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            ACTIVE = lookup.findVarHandle(ConnCounters.class, "active", long.class);
            INACTIVE = lookup.findVarHandle(ConnCounters.class, "inactive", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    @SuppressWarnings("unused")
    private long p01, p02, p03, p04, p05, p06, p07;
    private volatile long active;
    private volatile long inactive;
    @SuppressWarnings("unused")
    private long p11, p12, p13, p14, p15, p16, p17;

    public long active()
    {
        return (long)ACTIVE.getOpaque(this);
    }

    public long inactive()
    {
        return (long)INACTIVE.getOpaque(this);
    }

    /** IPVS overhead used by lc and wlc: {@code 256 · active + inactive} ({@code ip_vs_dest_conn_overhead}). */
    public long overhead()
    {
        return (active() << 8) + inactive();
    }

    public void addActive(final long delta)
    {
        ACTIVE.getAndAdd(this, delta);
    }

    public void addInactive(final long delta)
    {
        INACTIVE.getAndAdd(this, delta);
    }

    /** Sets both counts (tests and the CLI's what-if tools). */
    public void set(final long activeCount, final long inactiveCount)
    {
        ACTIVE.setVolatile(this, activeCount);
        INACTIVE.setVolatile(this, inactiveCount);
    }

    @Override
    public String toString()
    {
        return active() + "/" + inactive();
    }
}
