package io.vipflow.sched;

import io.vipflow.packet.PacketTuple;

import java.util.List;

/**
 * IPVS {@code lc} ({@code ip_vs_lc.c}, {@code ip_vs_lc_schedule}): the destination with weight above 0 and the
 * least overhead {@code 256 · active + inactive}; ties go to the first in IPVS list order (strict {@code <}).
 * <p>
 * Concurrency: stateless apart from the connection counters, which are read with opaque loads and may be a few
 * updates behind; two threads picking at once may both choose the same least-loaded destination, as in IPVS.
 * No allocation; one pass over the list.
 */
final class LeastConnectionScheduler extends IpvsScheduler
{
    private LeastConnectionScheduler(final IpvsList list)
    {
        super(list);
    }

    static Scheduler create(final List<Destination> destinations, final Scheduler previous)
    {
        return new LeastConnectionScheduler(IpvsList.build(destinations, IpvsList.of(previous)));
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
            if (w[p] == 0)
            {
                continue;
            }
            final long doh = c[p].overhead();
            if (least < 0 || doh < loh)
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
        return "lc";
    }
}
