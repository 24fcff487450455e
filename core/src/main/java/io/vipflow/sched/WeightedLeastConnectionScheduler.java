package io.vipflow.sched;

import io.vipflow.packet.PacketTuple;

import java.util.List;

/**
 * IPVS {@code wlc} ({@code ip_vs_wlc.c}, {@code ip_vs_wlc_schedule}): the least {@code overhead / weight}, with
 * overhead {@code 256 · active + inactive}. The first destination with weight above 0 starts as the least; a
 * later one replaces it only when {@code loh · w_d > doh · w_least} (exact cross-multiplication, so ties stay
 * with the first in IPVS list order). Products are 64-bit, where the kernel's are {@code __s64} too.
 * <p>
 * Concurrency: stateless apart from the connection counters (opaque loads, possibly a few updates behind).
 * No allocation; one pass over the list.
 */
final class WeightedLeastConnectionScheduler extends IpvsScheduler
{
    private WeightedLeastConnectionScheduler(final IpvsList list)
    {
        super(list);
    }

    static Scheduler create(final List<Destination> destinations, final Scheduler previous)
    {
        return new WeightedLeastConnectionScheduler(IpvsList.build(destinations, IpvsList.of(previous)));
    }

    @Override
    public int pick(final PacketTuple packet, final long flowHash)
    {
        final int least = least(weight, counters);
        return least < 0 ? -1 : index[least];
    }

    /** The wlc choice as a list position, or -1 (also lblc's and lblcr's {@code __ip_vs_lblc_schedule}). */
    static int least(final int[] w, final ConnCounters[] c)
    {
        int least = -1;
        long loh = 0;
        for (int p = 0; p < w.length; p++)
        {
            if (w[p] <= 0)
            {
                continue;
            }
            final long doh = c[p].overhead();
            if (least < 0 || loh * w[p] > doh * w[least])
            {
                least = p;
                loh = doh;
            }
        }
        return least;
    }

    @Override
    public String name()
    {
        return "wlc";
    }
}
