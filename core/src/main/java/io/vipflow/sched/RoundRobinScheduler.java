package io.vipflow.sched;

import io.vipflow.packet.PacketTuple;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * IPVS {@code rr} ({@code ip_vs_rr.c}, {@code ip_vs_rr_schedule}): each new flow takes the first destination with
 * weight above 0 after the one picked last, in IPVS list order, wrapping round.
 * <p>
 * Concurrency: the kernel moves its cursor under {@code svc->sched_lock}; here the cursor is an
 * {@link AtomicInteger} holding the position of the last pick (-1 for the list head) and each pick advances it
 * with a compare-and-set loop. Concurrent picks therefore take distinct, consecutive steps of the kernel's
 * sequence, in the order their compare-and-set succeeded. No allocation; lock-free.
 * <p>
 * Across a change of the destination list the cursor stays on the same destination; if that one left, on the
 * nearest earlier one that stayed ({@code ip_vs_rr_del_dest}). Picks still made on the replaced scheduler after
 * the new one was built do not move the new cursor.
 */
final class RoundRobinScheduler extends IpvsScheduler
{
    private final AtomicInteger cursor;
    /** {@code next[c + 1]}: the position picked after cursor {@code c}, or -1 when no weight is positive. */
    private final int[] next;

    private RoundRobinScheduler(final IpvsList list, final AtomicInteger cursor)
    {
        super(list);
        this.cursor = cursor;
        this.next = successors(list.weight);
    }

    static Scheduler create(final List<Destination> destinations, final Scheduler previous)
    {
        final IpvsList before = IpvsList.of(previous);
        final IpvsList list = IpvsList.build(destinations, before);
        if (previous instanceof RoundRobinScheduler)
        {
            final RoundRobinScheduler p = (RoundRobinScheduler)previous;
            if (list.sameAs(before))
            {
                return p;
            }
            return new RoundRobinScheduler(list, new AtomicInteger(list.carryCursor(p.cursor.get())));
        }
        return new RoundRobinScheduler(list, new AtomicInteger(-1));
    }

    /** For every cursor c in -1..n-1, the first position after c (wrapping, c itself last) with weight > 0. */
    static int[] successors(final int[] weights)
    {
        final int n = weights.length;
        final int[] next = new int[n + 1];
        int first = -1;
        for (int p = n - 1; p >= 0; p--)
        {
            if (weights[p] > 0)
            {
                first = p;
            }
        }
        int following = first;
        for (int c = n - 1; c >= -1; c--)
        {
            next[c + 1] = following;
            if (c >= 0 && weights[c] > 0)
            {
                following = c;
            }
        }
        return next;
    }

    @Override
    public int pick(final PacketTuple packet, final long flowHash)
    {
        final int[] nx = next;
        final AtomicInteger c = cursor;
        while (true)
        {
            final int current = c.get();
            final int chosen = nx[current + 1];
            if (chosen < 0)
            {
                return -1;
            }
            if (c.compareAndSet(current, chosen))
            {
                return index[chosen];
            }
        }
    }

    @Override
    public String name()
    {
        return "rr";
    }
}
