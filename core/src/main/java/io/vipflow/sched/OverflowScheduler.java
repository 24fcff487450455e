package io.vipflow.sched;

import io.vipflow.packet.PacketTuple;

import java.util.List;

/**
 * IPVS {@code ovf} ({@code ip_vs_ovf.c}, {@code ip_vs_ovf_schedule}): the destination with the highest weight
 * among those whose active connections do not exceed their weight; ties go to the first in IPVS list order.
 * When every destination has more active connections than its weight there is none (-1): the weight is the
 * connection limit.
 * <p>
 * Concurrency: stateless apart from the connection counters (opaque loads, possibly a few updates behind), so
 * a burst of concurrent picks may overshoot a destination's limit by the number of threads, as in IPVS.
 * No allocation; one pass over the list.
 */
final class OverflowScheduler extends IpvsScheduler
{
    private OverflowScheduler(final IpvsList list)
    {
        super(list);
    }

    static Scheduler create(final List<Destination> destinations, final Scheduler previous)
    {
        return new OverflowScheduler(IpvsList.build(destinations, IpvsList.of(previous)));
    }

    @Override
    public int pick(final PacketTuple packet, final long flowHash)
    {
        final int[] w = weight;
        final ConnCounters[] c = counters;
        int best = -1;
        int hw = 0;
        for (int p = 0; p < w.length; p++)
        {
            final int wp = w[p];
            if (wp == 0 || c[p].active() > wp)
            {
                continue;
            }
            if (best < 0 || wp > hw)
            {
                best = p;
                hw = wp;
            }
        }
        return best < 0 ? -1 : index[best];
    }

    @Override
    public String name()
    {
        return "ovf";
    }
}
