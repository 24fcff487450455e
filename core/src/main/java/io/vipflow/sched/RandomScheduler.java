package io.vipflow.sched;

import io.vipflow.packet.PacketTuple;

import java.util.List;

/**
 * A uniformly random destination with weight above 0 per new flow: what kube-proxy's iptables mode
 * ({@code statistic --mode random --probability 1/(n-i)}) and nftables mode ({@code numgen random mod n}) do.
 * The numbers come from a seeded SplitMix64 sequence so that a single-threaded replay is repeatable; the sequence
 * carries on across changes of the destination list.
 * <p>
 * Concurrency: one atomic add per pick on a sequence shared by all threads; no allocation.
 */
final class RandomScheduler implements Scheduler
{
    private final RandomDraws draws;
    private final int[] eligible;

    private RandomScheduler(final List<Destination> destinations, final RandomDraws draws)
    {
        this.eligible = Weights.positiveIndexes(destinations);
        this.draws = draws;
    }

    static Scheduler create(final List<Destination> destinations, final Scheduler previous, final long seed)
    {
        final RandomDraws draws = previous instanceof RandomScheduler ?
            ((RandomScheduler)previous).draws : new RandomDraws(seed);
        return new RandomScheduler(destinations, draws);
    }

    @Override
    public int pick(final PacketTuple packet, final long flowHash)
    {
        final int[] e = eligible;
        if (e.length == 0)
        {
            return -1;
        }
        return e[RandomDraws.below((int)(draws.next() >>> 32), e.length)];
    }

    @Override
    public String name()
    {
        return "random";
    }
}
