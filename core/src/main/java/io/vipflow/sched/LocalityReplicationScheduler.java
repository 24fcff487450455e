package io.vipflow.sched;

import io.vipflow.packet.PacketTuple;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * IPVS {@code lblcr} ({@code ip_vs_lblcr.c}, {@code ip_vs_lblcr_schedule}): locality-based least-connection with
 * replication. Each packet destination address has a set of destinations; a flow goes to the set's least
 * {@code overhead / weight} member ({@code ip_vs_dest_set_min}, newest member first, ties to the first). When
 * that one is missing or overloaded ({@code is_overloaded}, as lblc), the wlc choice over the whole list joins
 * the set and takes the flow. A set of more than one that has not changed for {@code lblcr_expiration}
 * (24 hours, the kernel default) drops its most loaded member ({@code ip_vs_dest_set_max}).
 * <p>
 * Differences from the kernel, from the fixed-size cache ({@link LocalityCache}): a set holds at most
 * {@link LocalityCache#CAPACITY} members (a full set drops its most loaded member to admit a new one), and
 * expiry is measured on {@link System#nanoTime()}.
 * <p>
 * Concurrency: sets are read optimistically under a per-slot sequence lock and changed by one writer at a time
 * (a busy slot is left as it is and the chosen destination is used anyway). Allocation-free.
 */
final class LocalityReplicationScheduler extends IpvsScheduler
{
    /** {@code DEFAULT_EXPIRATION} of {@code ip_vs_lblcr.c}. */
    static final long EXPIRATION_NANOS = TimeUnit.HOURS.toNanos(24);

    private final LocalityCache cache;

    private LocalityReplicationScheduler(final IpvsList list, final LocalityCache cache)
    {
        super(list);
        this.cache = cache;
    }

    static Scheduler create(final List<Destination> destinations, final Scheduler previous)
    {
        final IpvsList before = IpvsList.of(previous);
        final IpvsList list = IpvsList.build(destinations, before);
        if (previous instanceof LocalityReplicationScheduler)
        {
            final LocalityReplicationScheduler p = (LocalityReplicationScheduler)previous;
            return list.sameAs(before) ? p :
                new LocalityReplicationScheduler(list, new LocalityCache(p.cache, before.names, list.names));
        }
        return new LocalityReplicationScheduler(list, new LocalityCache());
    }

    @Override
    public int pick(final PacketTuple packet, final long flowHash)
    {
        final int[] w = weight;
        final ConnCounters[] c = counters;
        final long hi = packet.dstHi;
        final long lo = packet.dstLo;
        final int bucket = LocalityCache.bucket(packet.ipv6, hi, lo);
        final int slot = cache.find(hi, lo, bucket);
        if (slot >= 0)
        {
            final long s = cache.readStart(slot, hi, lo);
            if (s >= 0)
            {
                final int least = setMin(slot, w, c);
                final int size = cache.size(slot);
                final long modified = cache.get(slot + LocalityCache.MODIFIED);
                if (cache.readValid(slot, s))
                {
                    // The clock is read only for sets that can shrink and on the rare path that changes a set.
                    if (size > 1)
                    {
                        final long now = System.nanoTime();
                        if (now - modified > EXPIRATION_NANOS)
                        {
                            shrink(slot, now, w, c);
                        }
                    }
                    if (least >= 0 && !LocalityScheduler.overloaded(least, w, c))
                    {
                        return index[least];
                    }
                    final int chosen = WeightedLeastConnectionScheduler.least(w, c);
                    if (chosen < 0)
                    {
                        return -1;
                    }
                    final long now = System.nanoTime();
                    final long locked = cache.tryLock(slot);
                    if (locked >= 0)
                    {
                        if (cache.size(slot) == LocalityCache.CAPACITY)
                        {
                            final int most = setMax(slot, w, c);
                            cache.erase(slot, most >= 0 ? most : LocalityCache.CAPACITY - 1, now);
                        }
                        cache.insertFirst(slot, chosen, now);
                        cache.unlock(slot, locked);
                    }
                    return index[chosen];
                }
            }
        }
        final int chosen = WeightedLeastConnectionScheduler.least(w, c);
        if (chosen < 0)
        {
            return -1;
        }
        final int base = cache.place(hi, lo, bucket);
        final long s = cache.tryLock(base);
        if (s >= 0)
        {
            cache.writeSingle(base, hi, lo, chosen, System.nanoTime());
            cache.unlock(base, s);
        }
        return index[chosen];
    }

    private void shrink(final int slot, final long now, final int[] w, final ConnCounters[] c)
    {
        final long locked = cache.tryLock(slot);
        if (locked < 0)
        {
            return;
        }
        if (cache.size(slot) > 1)
        {
            final int k = setMax(slot, w, c);
            if (k >= 0)
            {
                cache.erase(slot, k, now);
            }
        }
        cache.unlock(slot, locked);
    }

    /** {@code ip_vs_dest_set_min}: the member position with the least overhead / weight, or -1. */
    private int setMin(final int slot, final int[] w, final ConnCounters[] c)
    {
        final int size = cache.size(slot);
        int least = -1;
        long loh = 0;
        for (int k = 0; k < size; k++)
        {
            final int d = cache.member(slot, k);
            if (d >= w.length || w[d] <= 0)
            {
                continue;
            }
            final long doh = c[d].overhead();
            if (least < 0 || loh * w[d] > doh * w[least])
            {
                least = d;
                loh = doh;
            }
        }
        return least;
    }

    /** {@code ip_vs_dest_set_max}: the index in the set of the most loaded member with weight above 0, or -1. */
    private int setMax(final int slot, final int[] w, final ConnCounters[] c)
    {
        final int size = cache.size(slot);
        int most = -1;
        long moh = 0;
        for (int k = 0; k < size; k++)
        {
            final int d = cache.member(slot, k);
            if (d >= w.length || w[d] <= 0)
            {
                continue;
            }
            final long doh = c[d].overhead();
            if (most < 0 || moh * w[d] < doh * w[cache.member(slot, most)])
            {
                most = k;
                moh = doh;
            }
        }
        return most;
    }

    @Override
    public String name()
    {
        return "lblcr";
    }
}
