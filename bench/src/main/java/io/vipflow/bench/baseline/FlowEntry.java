package io.vipflow.bench.baseline;

import io.vipflow.conntrack.ConnTimeouts;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A flow's value in the heap-map baselines: the backend, fixed at creation, and the state and expiry that every
 * packet updates in place. A state change is a CAS (two packets of one flow must not lose a transition); the expiry
 * is a release store, the cheapest write that still publishes, cheaper than the CAS vipflow's table uses, made as
 * often as vipflow's table writes (its refresh grain, {@code ConnTimeouts}).
 * Shared between threads.
 */
class FlowEntry
{
    private static final VarHandle STATE;
    private static final VarHandle EXPIRY;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(FlowEntry.class, "state", int.class);
            EXPIRY = lookup.findVarHandle(FlowEntry.class, "expiryNanos", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    final int backendId;
    private volatile int state;
    private volatile long expiryNanos;

    FlowEntry(final int backendId, final int state, final long expiryNanos)
    {
        this.backendId = backendId;
        this.state = state;
        this.expiryNanos = expiryNanos;
    }

    final boolean liveAt(final long nowNanos)
    {
        return expiryNanos - nowNanos > 0;
    }

    /** Moves the entry to the state a packet with {@code tcpFlags} leads to and restarts its timer. */
    final void refresh(final int tcpFlags, final long nowNanos, final ConnTimeouts timeouts)
    {
        int seen = state;
        int next = MapLane.next(seen, tcpFlags);
        while (next != seen && !STATE.compareAndSet(this, seen, next))
        {
            seen = state;
            next = MapLane.next(seen, tcpFlags);
        }
        // vipflow's refresh grain (ConnTimeouts), so that the baselines write no more often than vipflow's table.
        if (next != seen || !timeouts.keepsDeadline(next, expiryNanos, nowNanos))
        {
            EXPIRY.setRelease(this, timeouts.refreshedDeadline(next, nowNanos));
        }
    }
}
