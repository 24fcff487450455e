package io.vipflow.sched;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * IPVS {@code rr} with every weight 1: each new flow takes the backend after the previous one
 * ({@code ip_vs_rr.c}). The cursor is shared by all data-plane threads (one atomic increment per new flow)
 * and survives a change of the backend set, as IPVS's does.
 */
public final class RoundRobinScheduler implements Scheduler
{
    private final AtomicLong cursor;
    private final int size;

    private RoundRobinScheduler(final AtomicLong cursor, final int size)
    {
        this.cursor = cursor;
        this.size = size;
    }

    static Scheduler create(final List<String> names, final Scheduler previous)
    {
        final AtomicLong cursor = previous instanceof RoundRobinScheduler ?
            ((RoundRobinScheduler)previous).cursor : new AtomicLong();
        return new RoundRobinScheduler(cursor, names.size());
    }

    @Override
    public int pick(final long flowHash)
    {
        return (int)Long.remainderUnsigned(cursor.getAndIncrement(), size);
    }

    @Override
    public String name()
    {
        return "rr";
    }
}
