package io.vipflow.sched;

import io.vipflow.packet.PacketTuple;

import java.util.List;

/**
 * IPVS {@code nq} ({@code ip_vs_nq.c}, {@code ip_vs_nq_schedule}): the first destination in IPVS list order with
 * weight above 0 and no active connection; when every one is busy, the least {@code (active + 1) / weight} as
 * sed, compared by cross-multiplication with ties to the first.
 * <p>
 * Concurrency: stateless apart from the connection counters (opaque loads, possibly a few updates behind); two
 * threads may send a flow each to the same idle destination before either is counted, as in IPVS.
 * No allocation; at most one pass over the list.
 */
final class NeverQueueScheduler extends IpvsScheduler
{
    private NeverQueueScheduler(final IpvsList list)
    {
        super(list);
    }

    static Scheduler create(final List<Destination> destinations, final Scheduler previous)
    {
        return new NeverQueueScheduler(IpvsList.build(destinations, IpvsList.of(previous)));
    }

    @Override
    public int pick(final PacketTuple packet, final long flowHash)
    {
        final int[] w = weight;
        final ConnCounters[] c = counters;
        int least = -1;
        long loh = 0;
        for (int p = 0; p < w.length; p++)
        {
            if (w[p] <= 0)
            {
                continue;
            }
            final long active = c[p].active();
            if (active == 0)
            {
                return index[p];
            }
            final long doh = active + 1;
            if (least < 0 || loh * w[p] > doh * w[least])
            {
                least = p;
                loh = doh;
            }
        }
        return least < 0 ? -1 : index[least];
    }

    @Override
    public String name()
    {
        return "nq";
    }
}
