package io.vipflow.sched;

import io.vipflow.packet.PacketTuple;

import java.util.List;

/**
 * IPVS {@code sed} ({@code ip_vs_sed.c}, {@code ip_vs_sed_schedule}): like wlc, with the expected delay
 * {@code (active + 1) / weight} ({@code ip_vs_sed_dest_overhead}); inactive connections do not count. A later
 * destination replaces the least only when {@code loh · w_d > doh · w_least}; ties stay with the first.
 * <p>
 * Concurrency: stateless apart from the connection counters (opaque loads, possibly a few updates behind).
 * No allocation; one pass over the list.
 */
final class ShortestExpectedDelayScheduler extends IpvsScheduler
{
    private ShortestExpectedDelayScheduler(final IpvsList list)
    {
        super(list);
    }

    static Scheduler create(final List<Destination> destinations, final Scheduler previous)
    {
        return new ShortestExpectedDelayScheduler(IpvsList.build(destinations, IpvsList.of(previous)));
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
            final long doh = c[p].active() + 1;
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
        return "sed";
    }
}
