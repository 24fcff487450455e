package io.vipflow.sched;

import io.vipflow.packet.PacketTuple;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * IPVS {@code wrr} ({@code ip_vs_wrr.c}, {@code ip_vs_wrr_schedule}). With {@code di} the gcd of the positive
 * weights and {@code mw = max weight - (di - 1)}, the current weight {@code cw} starts at {@code mw}; a pick
 * takes the next destination after the cursor whose weight is at least {@code cw}; at the end of the list
 * {@code cw -= di}, and when {@code cw <= 0} it restarts at {@code mw}. Weights A=4, B=3, C=2 give
 * A A B A B C A B C.
 * <p>
 * Concurrency: the kernel keeps {@code (cl, cw)} under {@code svc->sched_lock}; here both live in one
 * {@link AtomicLong} ({@code cw} in the high half, the cursor position in the low half, -1 for the list head),
 * advanced with a compare-and-set loop. Concurrent picks take distinct, consecutive steps of the kernel's
 * sequence. No allocation; lock-free; a pick scans at most one pass and a bit of the list.
 * <p>
 * A change of the destination list is {@code ip_vs_wrr_dest_changed}: the cursor goes back to the head,
 * {@code di} and {@code mw} are recomputed, and {@code cw} is kept if it still fits (rounded to
 * {@code (cw / di) * di + 1} when {@code di > 1}), else reset to {@code mw}. An unchanged list keeps the state.
 */
final class WeightedRoundRobinScheduler extends IpvsScheduler
{
    private final AtomicLong state;
    private final int di;
    private final int mw;

    private WeightedRoundRobinScheduler(final IpvsList list, final int cw)
    {
        super(list);
        this.di = Math.max(Weights.gcd(list.weight), 1);
        this.mw = Weights.max(list.weight) == 0 ? 0 : Weights.max(list.weight) - (di - 1);
        int start = mw;
        if (cw != 0 && cw <= mw)
        {
            start = di > 1 ? (cw / di) * di + 1 : cw;
        }
        this.state = new AtomicLong(pack(start, -1));
    }

    static Scheduler create(final List<Destination> destinations, final Scheduler previous)
    {
        final IpvsList before = IpvsList.of(previous);
        final IpvsList list = IpvsList.build(destinations, before);
        if (previous instanceof WeightedRoundRobinScheduler)
        {
            final WeightedRoundRobinScheduler p = (WeightedRoundRobinScheduler)previous;
            if (list.sameAs(before))
            {
                return p;
            }
            return new WeightedRoundRobinScheduler(list, (int)(p.state.get() >> 32));
        }
        return new WeightedRoundRobinScheduler(list, 0);
    }

    private static long pack(final int cw, final int position)
    {
        return ((long)cw << 32) | (position & 0xFFFF_FFFFL);
    }

    @Override
    public int pick(final PacketTuple packet, final long flowHash)
    {
        if (mw == 0)
        {
            return -1;
        }
        final int[] w = weight;
        final int n = w.length;
        final AtomicLong s = state;
        while (true)
        {
            final long current = s.get();
            int cw = (int)(current >> 32);
            int p = (int)current + 1;
            int chosen = -1;
            // One partial pass and at most one full pass: the heaviest destination always has weight >= cw.
            for (int guard = 0; guard <= 2 * n + 1 && chosen < 0; guard++)
            {
                if (p == n)
                {
                    cw -= di;
                    if (cw <= 0)
                    {
                        cw = mw;
                    }
                    p = 0;
                }
                if (w[p] >= cw)
                {
                    chosen = p;
                }
                p++;
            }
            if (chosen < 0)
            {
                return -1;
            }
            if (s.compareAndSet(current, pack(cw, chosen)))
            {
                return index[chosen];
            }
        }
    }

    @Override
    public String name()
    {
        return "wrr";
    }
}
