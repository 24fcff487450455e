package io.vipflow.sched;

import java.util.Arrays;

/**
 * The 256-bucket table of IPVS {@code sh} and {@code dh} ({@code IP_VS_SH_TAB_BITS} = {@code IP_VS_DH_TAB_BITS}
 * = 8) and its lookup with the optional fallback of {@code ip_vs_sh_get_fallback}. Buckets hold list positions.
 * Built on the control plane; the lookup is stateless, allocation-free and safe from any thread.
 */
final class HashBuckets
{
    static final int BITS = 8;
    static final int SIZE = 1 << BITS;
    static final int MASK = SIZE - 1;

    private HashBuckets()
    {
    }

    /**
     * Fills the buckets round-robin in IPVS list order. Weighted ({@code ip_vs_sh_reassign}): a destination takes
     * {@code weight} consecutive buckets before the walk moves on, and one bucket when its weight is 0
     * ({@code ++d_count >= weight} holds at once). Unweighted ({@code ip_vs_dh_reassign}): one bucket each.
     *
     * @return positions by bucket, all -1 for an empty list
     */
    static int[] fill(final int[] weights, final boolean weighted)
    {
        final int[] buckets = new int[SIZE];
        final int n = weights.length;
        if (n == 0)
        {
            Arrays.fill(buckets, -1);
            return buckets;
        }
        int p = 0;
        int count = 0;
        for (int b = 0; b < SIZE; b++)
        {
            buckets[b] = p;
            if (!weighted || ++count >= weights[p])
            {
                p = p + 1 == n ? 0 : p + 1;
                count = 0;
            }
        }
        return buckets;
    }

    /**
     * {@code ip_vs_sh_get} / {@code ip_vs_sh_get_fallback}: the destination in bucket {@code hash_32(key, 8)} if
     * it has weight above 0. With fallback, an unavailable one makes the lookup walk the buckets
     * {@code (offset + ihash + ihash) mod 256} for offset 0..255 (the kernel adds {@code ihash} twice: once in
     * {@code roffset}, once in {@code ip_vs_sh_hashkey}) and take the first available.
     *
     * @param key {@code ntohs(port) + ntohl(addr_fold)}
     * @return a list position, or -1
     */
    static int lookup(final int[] buckets, final int[] weights, final int key, final boolean fallback)
    {
        final int ihash = KernelHash.hash32(key, BITS);
        final int home = buckets[ihash];
        if (home < 0 || weights[home] > 0)
        {
            return home;
        }
        if (!fallback)
        {
            return -1;
        }
        for (int offset = 0; offset < SIZE; offset++)
        {
            final int roffset = (offset + ihash) & MASK;
            final int d = buckets[(roffset + ihash) & MASK];
            if (weights[d] > 0)
            {
                return d;
            }
        }
        return -1;
    }
}
