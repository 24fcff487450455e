package io.vipflow.sched;

import io.vipflow.packet.PacketTuple;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Each new flow takes the next destination with weight above 0, like IPVS {@code rr} ({@code ip_vs_rr.c}).
 * The cursor is shared by all data-plane threads (one atomic increment per new flow) and survives a change of
 * the destination list.
 */
public final class RoundRobinScheduler implements Scheduler
{
    private final AtomicLong cursor;
    private final int[] eligible;

    private RoundRobinScheduler(final AtomicLong cursor, final int[] eligible)
    {
        this.cursor = cursor;
        this.eligible = eligible;
    }

    static Scheduler create(final List<Destination> destinations, final Scheduler previous)
    {
        final AtomicLong cursor = previous instanceof RoundRobinScheduler ?
            ((RoundRobinScheduler)previous).cursor : new AtomicLong();
        return new RoundRobinScheduler(cursor, Weights.positiveIndexes(destinations));
    }

    @Override
    public int pick(final PacketTuple packet, final long flowHash)
    {
        final int[] e = eligible;
        if (e.length == 0)
        {
            return -1;
        }
        return e[(int)Long.remainderUnsigned(cursor.getAndIncrement(), e.length)];
    }

    @Override
    public String name()
    {
        return "rr";
    }
}
