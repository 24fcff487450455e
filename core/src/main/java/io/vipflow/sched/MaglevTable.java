package io.vipflow.sched;

import io.vipflow.internal.FlowHash;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Builds Maglev lookup tables (Eisenbud et al., "Maglev: A Fast and Reliable Software Network Load Balancer",
 * NSDI 2016, §3.4, Pseudocode 1). Each backend has a preference permutation of the M slots given by
 * {@code offset = h1(name) mod M} and {@code skip = h2(name) mod (M-1) + 1}; backends take turns claiming their
 * next preferred free slot until every slot is taken, so each gets ⌊M/N⌋ or ⌈M/N⌉ slots and a change of one
 * backend moves few slots. M must be prime so that every skip generates a full permutation.
 * <p>
 * Weights follow Katran's V2 and Envoy's method: every round each backend adds its weight to a running sum and
 * takes a turn only when the sum reaches the largest weight (the sum then drops by that much), so shares are
 * proportional within a slot (weights 1:2 at M = 65537 give 21846 and 43691 slots).
 * <p>
 * The fill costs O(M log M) expected (each backend's next candidate is advanced in place; no M x N permutation
 * matrix is built). Control plane only. Entries are chars (backend indexes up to 65534), so a table of M slots
 * is 2·M bytes: 2 KiB at 1,021 (up to 10 backends by {@link #sizeFor}), 128 KiB at 65,537.
 * <p>
 * Not API (docs/API.md): public for the {@code maglev} command and the table-build benchmark. It stays
 * in this package, where {@link MaglevScheduler} and the ring hash use its package-private permutation and hash
 * steps.
 * @hidden
 */
public final class MaglevTable
{
    /** Table size used by Katran and Envoy; what {@code table-size} gave every Service before sizes followed N. */
    public static final int DEFAULT_SIZE = 65537;
    /**
     * The sizes an unforced table takes (primes near powers of two, then the paper's large table); the smallest is
     * the floor. Each step about doubles M, so the hysteresis of {@link #sizeFor} spans a factor of two in N.
     */
    static final int[] AUTO_SIZES = {251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071, 262139, 524287,
        655373};
    /** Slots per backend an unforced table aims at: the paper's M >> N, with M >= 100·N (§3.4, §5.3). */
    static final int SLOTS_PER_BACKEND = 100;
    /** Largest table size accepted (the paper's large table). */
    public static final int MAX_SIZE = 655373;
    /** Largest backend count a table can index. */
    public static final int MAX_BACKENDS = 65535;

    static final long SEED_OFFSET = 0x5bd1e9955bd1e995L;
    static final long SEED_SKIP = 0x27d4eb2f165667c5L;

    private MaglevTable()
    {
    }

    /**
     * Builds the unweighted table for backends identified by stable names; entries index {@code names}.
     *
     * @param names the backends' names
     * @param size  the table size M, a prime
     * @return the table: a backend index in each slot
     */
    public static char[] build(final List<String> names, final int size)
    {
        return build(names, null, size);
    }

    /**
     * Builds the table for named backends with weights (null for all equal). The table is built in name order,
     * so any order of the same names gives the same backend in every slot; entries index the list as given.
     *
     * @param names   the backends' names
     * @param weights their weights, or null
     * @param size    the table size M, a prime
     * @return the table: a backend index in each slot
     */
    public static char[] build(final List<String> names, final int[] weights, final int size)
    {
        final int n = names.size();
        if (n < 1 || n > MAX_BACKENDS)
        {
            throw new IllegalArgumentException("Maglev needs 1.." + MAX_BACKENDS + " backends, got " + n);
        }
        requirePrime(size);
        final Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparing(names::get));
        final int[] offsets = new int[n];
        final int[] skips = new int[n];
        final int[] sortedWeights = weights == null ? null : new int[n];
        for (int r = 0; r < n; r++)
        {
            final String name = names.get(order[r]);
            if (r > 0 && name.equals(names.get(order[r - 1])))
            {
                throw new IllegalArgumentException("backend '" + name + "' listed twice");
            }
            offsets[r] = offset(name, size);
            skips[r] = skip(name, size);
            if (sortedWeights != null)
            {
                sortedWeights[r] = weights[order[r]];
            }
        }
        final char[] byRank = populate(offsets, skips, sortedWeights, size);
        for (int i = 0; i < byRank.length; i++)
        {
            byRank[i] = (char)(int)order[byRank[i]];
        }
        return byRank;
    }

    /**
     * The table size for {@code backends} backends when no size is forced: the smallest of {@link #AUTO_SIZES} at
     * least {@link #SLOTS_PER_BACKEND}·N (the largest when none is). The paper keeps M much larger than N so that
     * every backend's share stays within about 1 % of M/N (Eisenbud et al., NSDI 2016, §3.4: "M > 100·N"); a
     * fixed 65,537 spends 128 KiB on a Service of one pod.
     * <p>
     * Hysteresis: a table that already has the next larger listed size keeps it, so a Service whose count moves
     * back and forth across a boundary is not rebuilt at a new size each time; it shrinks only when N falls to
     * half the boundary. A change of size moves almost every slot (the permutations depend on M), so it
     * disrupts flows that no connection entry pins, like a change of most backends would.
     *
     * @param backends     the backends the table indexes (at least 1)
     * @param previousSize the size of the table this one replaces, or 0
     * @return the size M
     */
    public static int sizeFor(final int backends, final int previousSize)
    {
        int target = AUTO_SIZES.length - 1;
        for (int i = 0; i < AUTO_SIZES.length; i++)
        {
            if (AUTO_SIZES[i] >= (long)SLOTS_PER_BACKEND * backends)
            {
                target = i;
                break;
            }
        }
        if (previousSize == AUTO_SIZES[target] ||
            target + 1 < AUTO_SIZES.length && previousSize == AUTO_SIZES[target + 1])
        {
            return previousSize;
        }
        return AUTO_SIZES[target];
    }

    static int offset(final String name, final int size)
    {
        return (int)Long.remainderUnsigned(hash(name.getBytes(StandardCharsets.UTF_8), SEED_OFFSET), size);
    }

    static int skip(final String name, final int size)
    {
        return (int)Long.remainderUnsigned(hash(name.getBytes(StandardCharsets.UTF_8), SEED_SKIP), size - 1) + 1;
    }

    /** Pseudocode 1 of the paper with the permutations given as (offset, skip) pairs, all weights equal. */
    static char[] populate(final int[] offsets, final int[] skips, final int size)
    {
        return populate(offsets, skips, null, size);
    }

    /**
     * Pseudocode 1 with Katran V2 weights (null: all equal, one turn per round). Each backend's next candidate
     * slot is advanced incrementally ({@code c += skip mod M}, the wrap done by arithmetic rather than a branch,
     * which would be taken at random) instead of recomputing {@code (offset + j·skip) mod M}.
     */
    static char[] populate(final int[] offsets, final int[] skips, final int[] weights, final int size)
    {
        final int n = offsets.length;
        final char[] entry = new char[size];
        // Occupancy as a bitset: the probe loop touches 1/16 of the memory the entries take (80 KiB at
        // M = 655373), so it stays in cache while entries are written once each.
        final long[] taken = new long[(size + 63) >>> 6];
        final int[] candidate = offsets.clone();
        final long maxWeight = weights == null ? 1 : Weights.max(weights);
        if (maxWeight <= 0)
        {
            throw new IllegalArgumentException("Maglev needs a positive weight");
        }
        final long[] running = weights == null ? null : new long[n];
        // The last free slots are found by arithmetic rather than probing (see Tail): about √M of them, where a
        // probe run (M/F probes with F free) costs as much as a scan of the free slots (F).
        final int probed = size - (int)Math.sqrt(size);
        int filled = 0;
        int i = 0;
        while (filled < probed)
        {
            if (weights == null || takesTurn(running, weights, maxWeight, i))
            {
                final int wrap = skips[i] - size;
                final int c = firstFree(taken, candidate[i], wrap, size);
                taken[c >>> 6] |= 1L << c;
                entry[c] = (char)i;
                candidate[i] = next(c, wrap, size);
                filled++;
            }
            i = i + 1 == n ? 0 : i + 1;
        }
        final Tail tail = new Tail(taken, size, size - filled);
        while (filled < size)
        {
            if (weights == null || takesTurn(running, weights, maxWeight, i))
            {
                final int c = tail.claimFirstFree(candidate[i], skips[i]);
                entry[c] = (char)i;
                candidate[i] = next(c, skips[i] - size, size);
                filled++;
            }
            i = i + 1 == n ? 0 : i + 1;
        }
        return entry;
    }

    /** Katran V2: backend {@code i} adds its weight and takes a turn when the sum reaches the largest weight. */
    private static boolean takesTurn(final long[] running, final int[] weights, final long maxWeight, final int i)
    {
        running[i] += weights[i];
        if (running[i] < maxWeight)
        {
            return false;
        }
        running[i] -= maxWeight;
        return true;
    }

    /**
     * The first free slot of the permutation from {@code from} on (step {@code wrap + size}). Two probes a step, of
     * a slot and the one after it, with the next step two slots on: the two loads are independent and the chain
     * of dependent additions is half as long, and choosing between the two takes no branch. A method of its own so
     * that the compiler compiles this loop on its own, whatever it makes of the fill around it.
     */
    private static int firstFree(final long[] taken, final int from, final int wrap, final int size)
    {
        final int wrapTwice = next(wrap + size, wrap, size) - size;
        int c = from;
        while (true)
        {
            final int c1 = next(c, wrap, size);
            final long takenC = (taken[c >>> 6] >>> c) & 1;
            if ((takenC & (taken[c1 >>> 6] >>> c1)) == 0)
            {
                return c + ((c1 - c) & -(int)takenC);
            }
            c = next(c, wrapTwice, size);
        }
    }

    /** {@code (c + skip) mod size} for {@code c < size}, given {@code wrap = skip - size}. */
    private static int next(final int c, final int wrap, final int size)
    {
        final int d = c + wrap;
        return d + (size & (d >> 31));
    }

    /**
     * The last free slots of a fill. Probing for them costs M/F probes a turn when F slots are free, so the last
     * few hundred would cost as much as the whole rest of the fill (M·ln M probes in all). Every slot before a
     * backend's candidate in its permutation is taken, so its next claim is the free slot s whose position
     * {@code (s - candidate) · skip⁻¹ mod M} comes first: F multiplications a turn instead of M/F probes. Same
     * table, slot for slot, as probing gives.
     * <p>
     * The positions are compared as fractions of M, {@code frac((s - candidate) · skip⁻¹ / M)}, in doubles: a
     * subtraction, a multiplication and a floor per free slot, where the exact remainder needs a long product and a
     * reduction. The order is the same: the exact fractions are multiples of 1/M (at least 2⁻²⁰ apart, and at least
     * that far from an integer unless the slot is the candidate itself, which gives exactly 0), while the product's
     * rounding error is below |(s - candidate) · skip⁻¹ / M| · 2⁻⁵² < M · 2⁻⁵² < 2⁻³², so no two positions swap.
     */
    private static final class Tail
    {
        private final int size;
        private final double inverseSize;
        /** The free slots, as doubles because the distance is computed in doubles. */
        private final double[] free;
        private int count;

        Tail(final long[] taken, final int size, final int freeSlots)
        {
            this.size = size;
            this.inverseSize = 1.0 / size;
            free = new double[freeSlots];
            for (int w = 0; w < taken.length && count < freeSlots; w++)
            {
                // The bits past the last slot of the last word are 0 but never reached: count stops first.
                for (long open = ~taken[w]; open != 0 && count < freeSlots; open &= open - 1)
                {
                    free[count++] = (w << 6) + Long.numberOfTrailingZeros(open);
                }
            }
        }

        /** Takes the free slot that comes first in the permutation of step {@code skip} from {@code candidate}. */
        int claimFirstFree(final int candidate, final int skip)
        {
            final double step = inverse(skip, size) * inverseSize;
            final double origin = candidate;
            int best = 0;
            double bestPosition = 2;
            for (int k = 0; k < count; k++)
            {
                final double p = (free[k] - origin) * step;
                final double position = p - Math.floor(p);
                if (position < bestPosition)
                {
                    bestPosition = position;
                    best = k;
                }
            }
            final int slot = (int)free[best];
            free[best] = free[--count];
            return slot;
        }

        /**
         * a⁻¹ mod m for 0 < a < m, m prime, by the extended Euclidean algorithm in ints (every remainder and
         * coefficient stays below m in magnitude): a few dozen int divisions where Fermat's a^(m-2) took twice as
         * many long ones, once per turn of the tail.
         */
        static int inverse(final int a, final int m)
        {
            int r0 = m;
            int r1 = a;
            int t0 = 0;
            int t1 = 1;
            while (r1 != 0)
            {
                final int q = r0 / r1;
                final int r2 = r0 - q * r1;
                r0 = r1;
                r1 = r2;
                final int t2 = t0 - q * t1;
                t0 = t1;
                t1 = t2;
            }
            return t0 < 0 ? t0 + m : t0;
        }
    }

    /** 64-bit FNV-1a over the bytes with a seed, finished by a full avalanche mix. */
    static long hash(final byte[] bytes, final long seed)
    {
        long h = 0xcbf29ce484222325L ^ seed;
        for (final byte b : bytes)
        {
            h ^= b & 0xFF;
            h *= 0x100000001b3L;
        }
        return FlowHash.mix(h);
    }

    /**
     * Checks a table size.
     *
     * @param m a table size
     * @throws IllegalArgumentException unless {@code m} is a prime no larger than {@link #MAX_SIZE}
     */
    public static void requirePrime(final int m)
    {
        boolean prime = m >= 2 && m <= MAX_SIZE;
        for (long d = 2; prime && d * d <= m; d++)
        {
            prime = m % d != 0;
        }
        if (!prime)
        {
            throw new IllegalArgumentException("Maglev table size must be a prime up to " + MAX_SIZE + ": " + m);
        }
    }
}
