package io.vipflow.service;


import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Exact-match map from (address, port, protocol) to a value, persistent: a new version is made from the previous
 * one by an {@link Editor}, which copies only the segments it changes and the directory, so a publish that changes
 * k keys costs O(k · segment + directory) and every unchanged segment is shared between the two versions.
 * <p>
 * Layout: the key's hash picks a segment by its bits 40 and up, and a slot inside the segment by its low bits;
 * each segment is open addressing with linear probing over parallel arrays (keys three longs a slot: hi, lo, port
 * and protocol, so a probe touches one cache line), at most half full. The directory is two arrays of segment
 * references, so a lookup costs two loads more than a single flat table. A map of at most {@link #FLAT_MAX}
 * entries is one segment, held in fields of its own and copied whole by an edit (a few KiB): its lookups go
 * straight to the slot, as a flat table's do, which is what the frontend table of a small cluster is.
 * Hand-written because the data plane needs allocation-free lookups on primitive keys, which the persistent maps
 * of the usual libraries (hash tries over boxed keys) do not give.
 * <p>
 * Thread contract: a published version is never written again; lookups are allocation-free and safe from any
 * thread once it is published. An {@link Editor} belongs to the one control-plane thread.
 *
 * @param <V> the value type
 */
final class AddressPortMap<V>
{
    /** Average entries per segment of a small map (see {@link #segmentsFor}). */
    private static final int TARGET_AVERAGE = 16;
    private static final int MIN_SEGMENT_SLOTS = 8;
    /** Entries up to which a map stays one segment, looked up without the directory. */
    static final int FLAT_MAX = 512;
    private static final int SEGMENT_SHIFT = 40;
    private static final long HASH_MULTIPLIER = 0x9E3779B97F4A7C15L;
    private static final AddressPortMap<?> EMPTY = new AddressPortMap<>(new long[][] {new long[MIN_SEGMENT_SLOTS * 3]},
        new Object[][] {new Object[MIN_SEGMENT_SLOTS]}, new int[1], 0);

    private final long[][] keys;
    private final Object[][] values;
    private final int[] counts;
    private final int segmentMask;
    /** The one segment's arrays and slot mask when the map has one segment, else null and 0. */
    private final long[] flatKeys;
    private final Object[] flatValues;
    private final int flatMask;
    private final int size;
    private volatile List<V> all;

    private AddressPortMap(final long[][] keys, final Object[][] values, final int[] counts, final int size)
    {
        this.keys = keys;
        this.values = values;
        this.counts = counts;
        this.segmentMask = values.length - 1;
        this.flatKeys = values.length == 1 ? keys[0] : null;
        this.flatValues = values.length == 1 ? values[0] : null;
        this.flatMask = values.length == 1 ? values[0].length - 1 : 0;
        this.size = size;
    }

    @SuppressWarnings("unchecked")
    static <V> AddressPortMap<V> empty()
    {
        return (AddressPortMap<V>)EMPTY;
    }

    /** The value for the key, or null. */
    @SuppressWarnings("unchecked")
    V get(final long hi, final long lo, final int port, final int protocol)
    {
        final int pp = portProto(port, protocol);
        final long h = hash(hi, lo, pp);
        long[] k = flatKeys;
        Object[] vs = flatValues;
        int mask = flatMask;
        if (vs == null)
        {
            final int s = (int)(h >>> SEGMENT_SHIFT) & segmentMask;
            k = keys[s];
            vs = values[s];
            mask = vs.length - 1;
        }
        int i = (int)h & mask;
        Object v;
        while ((v = vs[i]) != null)
        {
            final int at = i * 3;
            if (k[at + 1] == lo && k[at + 2] == pp && k[at] == hi)
            {
                return (V)v;
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    int size()
    {
        return size;
    }

    /** Segments in the directory; 1 for a flat map (for tests). */
    int segmentCount()
    {
        return values.length;
    }

    /** Every value, in no particular order; built at the first call (for tools, never on the data plane). */
    @SuppressWarnings("unchecked")
    List<V> values()
    {
        List<V> a = all;
        if (a == null)
        {
            final List<V> out = new ArrayList<>(size);
            for (final Object[] segment : values)
            {
                for (final Object v : segment)
                {
                    if (v != null)
                    {
                        out.add((V)v);
                    }
                }
            }
            a = List.copyOf(out);
            all = a;
        }
        return a;
    }

    /** An editor that starts from this version and leaves it untouched. */
    Editor<V> edit()
    {
        return new Editor<>(this);
    }

    /**
     * Makes the next version: puts and removes apply to private copies of the segments they touch; {@link #done}
     * hands back the new version. Control-plane thread only; not reusable after {@link #done}.
     */
    static final class Editor<V>
    {
        private final AddressPortMap<V> base;
        private long[][] keys;
        private Object[][] values;
        private int[] counts;
        private boolean[] copied;
        private int size;

        private Editor(final AddressPortMap<V> base)
        {
            this.base = base;
            this.size = base.size;
        }

        /** Adds or replaces; the value must not be null. */
        void put(final long hi, final long lo, final int port, final int protocol, final V value)
        {
            if (value == null)
            {
                throw new IllegalArgumentException("null value");
            }
            final int pp = portProto(port, protocol);
            final long h = hash(hi, lo, pp);
            final int s = writable(h);
            final int at = find(keys[s], values[s], h, hi, lo, pp);
            if (values[s][at] == null)
            {
                if ((counts[s] + 1) * 2 > values[s].length)
                {
                    grow(s);
                    put(hi, lo, port, protocol, value);
                    return;
                }
                counts[s]++;
                size++;
                keys[s][at * 3] = hi;
                keys[s][at * 3 + 1] = lo;
                keys[s][at * 3 + 2] = pp;
                values[s][at] = value;
                if (values.length == 1 ? size > FLAT_MAX :
                    size > resplitSize(values.length) && segmentsFor(size) > values.length)
                {
                    resplit();
                }
                return;
            }
            values[s][at] = value;
        }

        /** Removes the key if present. */
        void remove(final long hi, final long lo, final int port, final int protocol)
        {
            final int pp = portProto(port, protocol);
            final long h = hash(hi, lo, pp);
            final int peek = keys == null ? (int)(h >>> SEGMENT_SHIFT) & base.segmentMask :
                (int)(h >>> SEGMENT_SHIFT) & (values.length - 1);
            final Object[][] vals = values == null ? base.values : values;
            final long[][] ks = keys == null ? base.keys : keys;
            if (vals[peek][find(ks[peek], vals[peek], h, hi, lo, pp)] == null)
            {
                return;
            }
            final int s = writable(h);
            final long[] k = keys[s];
            final Object[] v = values[s];
            final int mask = v.length - 1;
            int hole = find(k, v, h, hi, lo, pp);
            counts[s]--;
            size--;
            // Backward-shift deletion: later entries of the probe run move up unless their home lies after the
            // hole (cyclically), so no tombstones are needed and lookups stop at the first empty slot.
            int j = hole;
            while (true)
            {
                j = (j + 1) & mask;
                if (v[j] == null)
                {
                    break;
                }
                final int home = (int)hash(k[j * 3], k[j * 3 + 1], (int)k[j * 3 + 2]) & mask;
                final boolean movable = hole <= j ? home <= hole || home > j : home <= hole && home > j;
                if (movable)
                {
                    System.arraycopy(k, j * 3, k, hole * 3, 3);
                    v[hole] = v[j];
                    hole = j;
                }
            }
            v[hole] = null;
            k[hole * 3] = 0;
            k[hole * 3 + 1] = 0;
            k[hole * 3 + 2] = 0;
        }

        /** The new version (the base itself when nothing was written). */
        AddressPortMap<V> done()
        {
            if (keys == null)
            {
                return base;
            }
            return new AddressPortMap<>(keys, values, counts, size);
        }

        /** Spreads the entries over {@link #segmentsFor} segments. */
        private void resplit()
        {
            final int segments = segmentsFor(size);
            // Room for three times the average, so that most segments need not grow soon.
            final int slots = Math.max(MIN_SEGMENT_SLOTS, Integer.highestOneBit(3 * size / segments) << 1);
            final long[][] oldKeys = keys;
            final Object[][] oldValues = values;
            keys = new long[segments][];
            values = new Object[segments][];
            counts = new int[segments];
            copied = new boolean[segments];
            Arrays.fill(copied, true);
            for (int s = 0; s < segments; s++)
            {
                keys[s] = new long[slots * 3];
                values[s] = new Object[slots];
            }
            size = 0;
            for (int s = 0; s < oldValues.length; s++)
            {
                reinsert(oldKeys[s], oldValues[s]);
            }
        }

        @SuppressWarnings("unchecked")
        private void reinsert(final long[] k, final Object[] v)
        {
            for (int i = 0; i < v.length; i++)
            {
                if (v[i] != null)
                {
                    final int pp = (int)k[i * 3 + 2];
                    put(k[i * 3], k[i * 3 + 1], pp & 0xFFFF, pp >>> 16, (V)v[i]);
                }
            }
        }

        /** The segment for the hash, copied on its first write in this edit. */
        private int writable(final long h)
        {
            if (keys == null)
            {
                keys = base.keys.clone();
                values = base.values.clone();
                counts = base.counts.clone();
                copied = new boolean[values.length];
            }
            final int s = (int)(h >>> SEGMENT_SHIFT) & (values.length - 1);
            if (!copied[s])
            {
                keys[s] = keys[s].clone();
                values[s] = values[s].clone();
                copied[s] = true;
            }
            return s;
        }

        private void grow(final int s)
        {
            final long[] k = keys[s];
            final Object[] v = values[s];
            keys[s] = new long[k.length * 2];
            values[s] = new Object[v.length * 2];
            size -= counts[s];
            counts[s] = 0;
            reinsert(k, v);
        }
    }

    /**
     * The segments for {@code n} entries, a power of two: n/16 for a small map, about 4·√n for a large one. An edit
     * copies the directory (a few bytes a segment) and each segment it writes (a few dozen bytes an entry), so a
     * directory that grew with the map would make every publish cost in proportion to the cluster (n/16 segments of
     * a million backends: 850 KB a table a publish); at 4·√n the two copies stay near each other (4,096 segments of
     * about 250 entries).
     */
    static int segmentsFor(final int n)
    {
        final long want = Math.min(n / TARGET_AVERAGE, 4 * (long)Math.sqrt(n));
        int segments = 1;
        while (segments < want)
        {
            segments <<= 1;
        }
        return segments;
    }

    /**
     * The size past which a map of {@code segments} segments re-splits: when {@link #segmentsFor} asks for more
     * than twice as many (n/16 > 2·S and 4·√n > 2·S), so a re-split, which moves every entry, comes after the map
     * has grown by a factor of two to four.
     */
    private static long resplitSize(final int segments)
    {
        return Math.max(32L * segments, (long)segments * segments / 4);
    }

    /** The slot holding the key, or the empty slot where it would go. */
    private static int find(final long[] k, final Object[] v, final long h, final long hi, final long lo, final int pp)
    {
        final int mask = v.length - 1;
        int i = (int)h & mask;
        while (v[i] != null)
        {
            final int at = i * 3;
            if (k[at + 1] == lo && k[at + 2] == pp && k[at] == hi)
            {
                return i;
            }
            i = (i + 1) & mask;
        }
        return i;
    }

    private static long hash(final long hi, final long lo, final int portProto)
    {
        // Both halves of one 128-bit product folded together: every key bit reaches every hash bit, in about half the
        // latency of a 64-bit finaliser's chain of multiplies and shifts (the frontend lookup of every packet waits on
        // it).
        final long x = lo ^ Long.rotateLeft(hi, 29) ^ ((long)portProto << 40);
        return Math.multiplyHigh(x, HASH_MULTIPLIER) ^ (x * HASH_MULTIPLIER);
    }

    private static int portProto(final int port, final int protocol)
    {
        return (protocol << 16) | port;
    }

    /**
     * The protocol component of a key: the IP protocol number with the address family in bit 8, so that an
     * IPv4 address and the IPv4-mapped IPv6 address with the same 128-bit value never share a key.
     */
    static int familyProtocol(final int protocol, final boolean ipv6)
    {
        return (protocol & 0xFF) | (ipv6 ? 0x100 : 0);
    }
}
