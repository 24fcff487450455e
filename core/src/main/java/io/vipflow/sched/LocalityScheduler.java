package io.vipflow.sched;

import io.vipflow.packet.PacketTuple;

import java.util.List;

/**
 * IPVS {@code lblc} ({@code ip_vs_lblc.c}, {@code ip_vs_lblc_schedule}): locality-based least-connection. A
 * packet's destination address keeps going to the destination cached for it while that one has weight above 0
 * and is not overloaded; otherwise the wlc choice is taken and cached. Overloaded means more active connections
 * than its weight while some destination has fewer than half its weight ({@code is_overloaded}). For a Service
 * the destination address is the frontend address, so each frontend address sticks to one backend until it
 * fills up.
 * <p>
 * Concurrency: the cache is a {@link LocalityCache} (sequence lock per slot; readers never block, a writer that
 * finds the slot busy skips caching); picks are allocation-free. A changed destination list carries the cache
 * over by name.
 */
final class LocalityScheduler extends IpvsScheduler
{
    private final LocalityCache cache;

    private LocalityScheduler(final IpvsList list, final LocalityCache cache)
    {
        super(list);
        this.cache = cache;
    }

    static Scheduler create(final List<Destination> destinations, final Scheduler previous)
    {
        final IpvsList before = IpvsList.of(previous);
        final IpvsList list = IpvsList.build(destinations, before);
        if (previous instanceof LocalityScheduler)
        {
            final LocalityScheduler p = (LocalityScheduler)previous;
            return list.sameAs(before) ? p :
                new LocalityScheduler(list, new LocalityCache(p.cache, before.names, list.names));
        }
        return new LocalityScheduler(list, new LocalityCache());
    }

    /** {@code is_overloaded} of {@code ip_vs_lblc.c} and {@code ip_vs_lblcr.c}. */
    static boolean overloaded(final int p, final int[] w, final ConnCounters[] c)
    {
        if (c[p].active() <= w[p])
        {
            return false;
        }
        for (int d = 0; d < w.length; d++)
        {
            if (c[d].active() * 2 < w[d])
            {
                return true;
            }
        }
        return false;
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
                final int cached = cache.member(slot, 0);
                if (cache.readValid(slot, s) && cached < w.length && w[cached] > 0 && !overloaded(cached, w, c))
                {
                    return index[cached];
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
            cache.writeSingle(base, hi, lo, chosen, 0);
            cache.unlock(base, s);
        }
        return index[chosen];
    }

    @Override
    public String name()
    {
        return "lblc";
    }
}
