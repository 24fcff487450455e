package io.vipflow.sched;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.HashMap;
import java.util.Map;

/**
 * The destination-address cache of IPVS {@code lblc} and {@code lblcr}: for each packet destination address, a
 * small set of list positions (one for lblc). 1024 buckets as {@code IP_VS_LBLC_TAB_BITS} = 10, indexed by
 * {@code hash_32(ntohl(addr_fold), 10)}; where the kernel chains colliding addresses, this table probes up to
 * {@link #PROBES} slots and evicts the home slot when all are taken, which replaces the kernel's garbage
 * collection of entries unused for {@code lblc_expiration}.
 * <p>
 * Layout: one {@code long[]} with {@link #STRIDE} longs per slot:
 * <pre>
 *   0 sequence | 1 address hi | 2 address lo | 3 last modified (ns) | 4 size | 5 .. 15 members (positions)
 * </pre>
 * Concurrency: each slot is a sequence lock. Readers ({@link #readStart}, opaque loads, {@link #readValid}) never
 * block and retry or give up when a writer was active; a writer takes the slot with one compare-and-set from an
 * even to an odd sequence ({@link #tryLock}) and gives up when another writer holds it (as the kernel says of
 * {@code ip_vs_lblc_new}: failing to cache is fine, the chosen destination is used anyway), then publishes with
 * a release store of the next even sequence ({@link #unlock}). Any thread; no allocation after construction.
 */
final class LocalityCache
{
    static final int BITS = 10;
    static final int BUCKETS = 1 << BITS;
    static final int PROBES = 4;
    static final int STRIDE = 16;
    static final int HI = 1;
    static final int LO = 2;
    static final int MODIFIED = 3;
    static final int SIZE = 4;
    static final int MEMBERS = 5;
    /** Members per slot (lblcr's destination set). */
    static final int CAPACITY = STRIDE - MEMBERS;

    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] slots = new long[BUCKETS * STRIDE];

    LocalityCache()
    {
    }

    /**
     * A cache for a changed destination list holding the entries of {@code previous}, members translated by name
     * and dropped when their destination left. Control plane only.
     */
    LocalityCache(final LocalityCache previous, final String[] previousNames, final String[] names)
    {
        final Map<String, Integer> positions = new HashMap<>(names.length * 2);
        for (int p = 0; p < names.length; p++)
        {
            positions.put(names[p], p);
        }
        for (int base = 0; base < slots.length; base += STRIDE)
        {
            final long s = (long)SLOTS.getAcquire(previous.slots, base);
            final int size = (int)(long)SLOTS.getOpaque(previous.slots, base + SIZE);
            int kept = 0;
            for (int k = 0; k < size && k < CAPACITY; k++)
            {
                final int old = (int)(long)SLOTS.getOpaque(previous.slots, base + MEMBERS + k);
                final Integer now = old < previousNames.length ? positions.get(previousNames[old]) : null;
                if (now != null)
                {
                    slots[base + MEMBERS + kept++] = now;
                }
            }
            slots[base + HI] = (long)SLOTS.getOpaque(previous.slots, base + HI);
            slots[base + LO] = (long)SLOTS.getOpaque(previous.slots, base + LO);
            slots[base + MODIFIED] = (long)SLOTS.getOpaque(previous.slots, base + MODIFIED);
            VarHandle.acquireFence();
            final boolean valid = (s & 1) == 0 && (long)SLOTS.getOpaque(previous.slots, base) == s;
            slots[base + SIZE] = valid ? kept : 0;
        }
    }

    static int bucket(final boolean ipv6, final long hi, final long lo)
    {
        return KernelHash.hash32(KernelHash.fold(ipv6, hi, lo), BITS);
    }

    /** The slot holding {@code (hi, lo)} among the probed ones, or -1; a hint to be confirmed by {@link #readStart}. */
    int find(final long hi, final long lo, final int bucket)
    {
        for (int i = 0; i < PROBES; i++)
        {
            final int base = ((bucket + i) & (BUCKETS - 1)) * STRIDE;
            if (get(base + SIZE) != 0 && get(base + HI) == hi && get(base + LO) == lo)
            {
                return base;
            }
        }
        return -1;
    }

    /** Where to store {@code (hi, lo)}: its slot, else a free probed slot, else the home slot (evicted). */
    int place(final long hi, final long lo, final int bucket)
    {
        final int found = find(hi, lo, bucket);
        if (found >= 0)
        {
            return found;
        }
        for (int i = 0; i < PROBES; i++)
        {
            final int base = ((bucket + i) & (BUCKETS - 1)) * STRIDE;
            if (get(base + SIZE) == 0)
            {
                return base;
            }
        }
        return bucket * STRIDE;
    }

    /** Starts an optimistic read: the slot's sequence when it is stable and holds the address, else -1. */
    long readStart(final int base, final long hi, final long lo)
    {
        final long s = (long)SLOTS.getAcquire(slots, base);
        if ((s & 1) != 0 || get(base + SIZE) == 0 || get(base + HI) != hi || get(base + LO) != lo)
        {
            return -1;
        }
        return s;
    }

    /** True when no writer touched the slot since {@link #readStart} returned {@code s}. */
    boolean readValid(final int base, final long s)
    {
        VarHandle.acquireFence();
        return (long)SLOTS.getOpaque(slots, base) == s;
    }

    /** Takes the slot for writing; returns the sequence to pass to {@link #unlock}, or -1 when busy. */
    long tryLock(final int base)
    {
        final long s = (long)SLOTS.getVolatile(slots, base);
        if ((s & 1) != 0 || !SLOTS.compareAndSet(slots, base, s, s + 1))
        {
            return -1;
        }
        VarHandle.storeStoreFence();
        return s;
    }

    void unlock(final int base, final long s)
    {
        SLOTS.setRelease(slots, base, s + 2);
    }

    long get(final int offset)
    {
        return (long)SLOTS.getOpaque(slots, offset);
    }

    void set(final int offset, final long value)
    {
        SLOTS.setOpaque(slots, offset, value);
    }

    int size(final int base)
    {
        return (int)Math.min(get(base + SIZE), CAPACITY);
    }

    int member(final int base, final int k)
    {
        return (int)get(base + MEMBERS + k);
    }

    /** Holding the lock: makes the slot hold {@code (hi, lo)} with {@code position} as its only member. */
    void writeSingle(final int base, final long hi, final long lo, final int position, final long nowNanos)
    {
        set(base + HI, hi);
        set(base + LO, lo);
        set(base + MODIFIED, nowNanos);
        set(base + MEMBERS, position);
        set(base + SIZE, 1);
    }

    /** Holding the lock: adds {@code position} at the front of the set ({@code list_add_rcu}) if absent. */
    void insertFirst(final int base, final int position, final long nowNanos)
    {
        final int size = size(base);
        for (int k = 0; k < size; k++)
        {
            if (member(base, k) == position)
            {
                return;
            }
        }
        for (int k = Math.min(size, CAPACITY - 1); k > 0; k--)
        {
            set(base + MEMBERS + k, get(base + MEMBERS + k - 1));
        }
        set(base + MEMBERS, position);
        set(base + SIZE, Math.min(size + 1, CAPACITY));
        set(base + MODIFIED, nowNanos);
    }

    /** Holding the lock: removes the member at {@code k}. */
    void erase(final int base, final int k, final long nowNanos)
    {
        final int size = size(base);
        for (int j = k; j < size - 1; j++)
        {
            set(base + MEMBERS + j, get(base + MEMBERS + j + 1));
        }
        set(base + SIZE, size - 1);
        set(base + MODIFIED, nowNanos);
    }
}
