package io.vipflow.sched;

import io.vipflow.conntrack.FlowHash;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Builds Maglev lookup tables (Eisenbud et al., "Maglev: A Fast and Reliable Software Network Load Balancer",
 * NSDI 2016, §3.4, Pseudocode 1). Each backend has a preference permutation of the M slots given by
 * {@code offset = h1(name) mod M} and {@code skip = h2(name) mod (M-1) + 1}; backends take turns claiming their
 * next preferred free slot until every slot is taken, so each gets ⌊M/N⌋ or ⌈M/N⌉ slots and a change of one
 * backend moves few slots. M must be prime so that every skip generates a full permutation.
 * <p>
 * Control plane only. Entries are chars (backend indexes up to 65535), so a table of 65537 slots is 128 KiB.
 */
public final class MaglevTable
{
    /** Table size used by Katran and Envoy. */
    public static final int DEFAULT_SIZE = 65537;
    /** Largest backend count a table can index. */
    public static final int MAX_BACKENDS = 65535;

    private static final long SEED_OFFSET = 0x5bd1e9955bd1e995L;
    private static final long SEED_SKIP = 0x27d4eb2f165667c5L;

    private MaglevTable()
    {
    }

    /** Builds the table for backends identified by stable names, in the order given. */
    public static char[] build(final List<String> names, final int size)
    {
        final int n = names.size();
        if (n < 1 || n > MAX_BACKENDS)
        {
            throw new IllegalArgumentException("Maglev needs 1.." + MAX_BACKENDS + " backends, got " + n);
        }
        requirePrime(size);
        final int[] offsets = new int[n];
        final int[] skips = new int[n];
        for (int i = 0; i < n; i++)
        {
            final byte[] bytes = names.get(i).getBytes(StandardCharsets.UTF_8);
            offsets[i] = (int)Long.remainderUnsigned(hash(bytes, SEED_OFFSET), size);
            skips[i] = (int)Long.remainderUnsigned(hash(bytes, SEED_SKIP), size - 1) + 1;
        }
        return populate(offsets, skips, size);
    }

    /**
     * Pseudocode 1 of the paper with the permutations given as (offset, skip) pairs. Each backend's next
     * candidate slot is advanced incrementally ({@code c += skip mod M}) instead of recomputing
     * {@code (offset + j·skip) mod M}, which avoids a multiplication and overflow.
     */
    static char[] populate(final int[] offsets, final int[] skips, final int size)
    {
        final int n = offsets.length;
        final char[] entry = new char[size];
        final boolean[] taken = new boolean[size];
        final int[] candidate = offsets.clone();
        int filled = 0;
        while (true)
        {
            for (int i = 0; i < n; i++)
            {
                int c = candidate[i];
                while (taken[c])
                {
                    c += skips[i];
                    if (c >= size)
                    {
                        c -= size;
                    }
                }
                entry[c] = (char)i;
                taken[c] = true;
                c += skips[i];
                candidate[i] = c >= size ? c - size : c;
                if (++filled == size)
                {
                    return entry;
                }
            }
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

    static void requirePrime(final int m)
    {
        if (m < 2)
        {
            throw new IllegalArgumentException("Maglev table size must be prime: " + m);
        }
        for (long d = 2; d * d <= m; d++)
        {
            if (m % d == 0)
            {
                throw new IllegalArgumentException("Maglev table size must be prime: " + m);
            }
        }
    }
}
