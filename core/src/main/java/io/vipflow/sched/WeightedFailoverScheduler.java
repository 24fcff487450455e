package io.vipflow.sched;

import io.vipflow.packet.PacketTuple;

import java.util.List;

/**
 * IPVS {@code fo} ({@code ip_vs_fo.c}, {@code ip_vs_fo_schedule}): the destination with the highest weight; ties
 * go to the first in IPVS list order (strict {@code >}). Weight 0 never wins.
 * <p>
 * Concurrency: stateless; the choice depends on the weights only, so it is computed once when the scheduler is
 * built and every pick returns it. No allocation.
 */
final class WeightedFailoverScheduler extends IpvsScheduler
{
    private final int chosen;

    private WeightedFailoverScheduler(final IpvsList list)
    {
        super(list);
        int best = -1;
        int hw = 0;
        for (int p = 0; p < list.weight.length; p++)
        {
            if (list.weight[p] > hw)
            {
                best = p;
                hw = list.weight[p];
            }
        }
        this.chosen = best < 0 ? -1 : list.index[best];
    }

    static Scheduler create(final List<Destination> destinations, final Scheduler previous)
    {
        return new WeightedFailoverScheduler(IpvsList.build(destinations, IpvsList.of(previous)));
    }

    @Override
    public int pick(final PacketTuple packet, final long flowHash)
    {
        return chosen;
    }

    @Override
    public String name()
    {
        return "fo";
    }
}
