package io.vipflow.sched;

import io.vipflow.internal.FlowHash;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A Ketama ring (Envoy's ring hash): each backend puts {@code ceil(R · w / Σw)} points on a 64-bit circle, point
 * j at the hash of (name, j); a flow goes to the first point at or after its hash, wrapping. R is the minimum
 * ring size ({@code ring-size}, Envoy's {@code minimum_ring_size}); with equal weights each backend gets
 * {@code ceil(R / N)} points as in Envoy.
 * <p>
 * Layout: one sorted {@code long[]}, each point packing its 48-bit position (high bits) with its owner's rank
 * among the names sorted (low 16 bits), so a lookup is one binary search and equal positions are ordered by
 * name, the same on every instance.
 * <p>
 * Incremental: a point depends only on its backend's name and replica number, so a new ring is the old one
 * without the points of backends that left or shrank, merged with the points of backends that came or grew:
 * O(R + k log k) for k changed points, and the same ring a full build gives. Immutable once built; lookups are
 * allocation-free and safe from any thread.
 */
final class RingHash
{
    static final int DEFAULT_SIZE = 1024;
    static final int MAX_SIZE = 1 << 23;
    static final int MAX_BACKENDS = 1 << 16;
    private static final long OWNER_MASK = 0xFFFFL;
    private static final long SEED = 0x2545F4914F6CDD1DL;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    final String[] names;
    final int[] weights;
    final int ringSize;
    private final long[] nameHashes;
    private final int[] counts;
    private final long[] points;

    private RingHash(final String[] names, final int[] weights, final int ringSize, final long[] nameHashes,
        final int[] counts, final long[] points)
    {
        this.names = names;
        this.weights = weights;
        this.ringSize = ringSize;
        this.nameHashes = nameHashes;
        this.counts = counts;
        this.points = points;
    }

    /**
     * @param names    distinct names, sorted
     * @param weights  positive weights, parallel to names
     * @param previous a ring of the same size to start from, or null for a full build
     */
    static RingHash build(final String[] names, final int[] weights, final int ringSize, final RingHash previous)
    {
        final int n = names.length;
        if (n < 1 || n > MAX_BACKENDS)
        {
            throw new IllegalArgumentException("ring hash needs 1.." + MAX_BACKENDS + " backends, got " + n);
        }
        if (ringSize < 1 || ringSize > MAX_SIZE)
        {
            throw new IllegalArgumentException("ring size must be 1.." + MAX_SIZE + ": " + ringSize);
        }
        final long sum = Arrays.stream(weights).asLongStream().sum();
        final int[] counts = new int[n];
        final long[] nameHashes = new long[n];
        final int[] previousRank = new int[n];
        final int[] rankNow = previous == null ? new int[0] : new int[previous.names.length];
        Arrays.fill(rankNow, -1);
        final Map<String, Integer> before = new HashMap<>();
        if (previous != null && previous.ringSize == ringSize)
        {
            for (int q = 0; q < previous.names.length; q++)
            {
                before.put(previous.names[q], q);
            }
        }
        for (int r = 0; r < n; r++)
        {
            counts[r] = (int)((ringSize * (long)weights[r] + sum - 1) / sum);
            final Integer q = before.get(names[r]);
            previousRank[r] = q == null ? -1 : q;
            if (q != null)
            {
                rankNow[q] = r;
                nameHashes[r] = previous.nameHashes[q];
            }
            else
            {
                nameHashes[r] = MaglevTable.hash(names[r].getBytes(StandardCharsets.UTF_8), SEED);
            }
        }
        int dropCount = 0;
        int addCount = 0;
        for (int r = 0; r < n; r++)
        {
            final int old = previousRank[r] < 0 ? 0 : previous.counts[previousRank[r]];
            dropCount += Math.max(old - counts[r], 0);
            addCount += Math.max(counts[r] - old, 0);
        }
        final long[] drop = new long[dropCount];
        final long[] add = new long[addCount];
        int d = 0;
        int a = 0;
        for (int r = 0; r < n; r++)
        {
            final int q = previousRank[r];
            final int old = q < 0 ? 0 : previous.counts[q];
            for (int j = counts[r]; j < old; j++)
            {
                drop[d++] = pack(point(nameHashes[r], j), q);
            }
            for (int j = old; j < counts[r]; j++)
            {
                add[a++] = pack(point(nameHashes[r], j), r);
            }
        }
        Arrays.sort(drop);
        Arrays.sort(add);
        final long[] kept = before.isEmpty() ? new long[0] : keep(previous.points, rankNow, drop);
        return new RingHash(names, weights, ringSize, nameHashes, counts, merge(kept, add));
    }

    /** The old points whose owner stayed, less the dropped ones, with owners renumbered (order is kept). */
    private static long[] keep(final long[] old, final int[] rankNow, final long[] drop)
    {
        final long[] out = new long[old.length];
        int k = 0;
        int d = 0;
        for (final long p : old)
        {
            final int owner = rankNow[(int)(p & OWNER_MASK)];
            if (owner < 0)
            {
                continue;
            }
            while (d < drop.length && drop[d] < p)
            {
                d++;
            }
            if (d < drop.length && drop[d] == p)
            {
                d++;
                continue;
            }
            out[k++] = (p & ~OWNER_MASK) | owner;
        }
        return Arrays.copyOf(out, k);
    }

    private static long[] merge(final long[] x, final long[] y)
    {
        final long[] out = new long[x.length + y.length];
        int i = 0;
        int j = 0;
        int k = 0;
        while (i < x.length && j < y.length)
        {
            out[k++] = x[i] <= y[j] ? x[i++] : y[j++];
        }
        while (i < x.length)
        {
            out[k++] = x[i++];
        }
        while (j < y.length)
        {
            out[k++] = y[j++];
        }
        return out;
    }

    static long point(final long nameHash, final int replica)
    {
        return FlowHash.mix(nameHash + (replica + 1L) * GOLDEN);
    }

    private static long pack(final long hash, final int owner)
    {
        return (hash & ~OWNER_MASK) | owner;
    }

    /** The owner rank of the first point at or after {@code hash} (signed order, wrapping). */
    int lookup(final long hash)
    {
        final long[] p = points;
        final long key = hash & ~OWNER_MASK;
        int lo = 0;
        int hi = p.length;
        while (lo < hi)
        {
            final int mid = (lo + hi) >>> 1;
            if (p[mid] < key)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return (int)(p[lo == p.length ? 0 : lo] & OWNER_MASK);
    }

    int pointCount()
    {
        return points.length;
    }

    /** Points per owner rank (for tests and tools). */
    int[] counts()
    {
        return counts.clone();
    }

    long[] points()
    {
        return points.clone();
    }
}
