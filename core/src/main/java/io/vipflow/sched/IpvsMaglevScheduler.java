package io.vipflow.sched;

import io.vipflow.packet.PacketTuple;

import java.util.Arrays;
import java.util.List;

/**
 * IPVS {@code mh} ({@code ip_vs_mh.c}): Maglev hashing inside IPVS, keyed by the client's source address (and,
 * with {@code mh-port}, its source port).
 * <ul>
 * <li>Table size M from the kernel's list ({@link #PRIMES}), 4093 by default ({@code CONFIG_IP_VS_MH_TAB_INDEX}
 * 12).</li>
 * <li>Each destination's offset and skip are {@code hsiphash} of {@code ntohs(port) + ntohl(addr_fold)} under the
 * kernel's fixed keys, mod M and mod (M - 1) plus 1 ({@code ip_vs_mh_permutate}).</li>
 * <li>Destinations take turns in IPVS list order; a turn claims {@code (last_weight / gcd) >> rshift} slots in a
 * row (at least 1 for a non-zero weight, none for 0), {@code ip_vs_mh_populate}.</li>
 * <li>The table is built from {@code last_weight}, the last non-zero weight: quiescing a destination leaves the
 * table as it was (it is reused, not rebuilt), and its slots give no destination (-1) unless
 * {@code mh-fallback} walks on to the next available one ({@code ip_vs_mh_get_fallback}).</li>
 * </ul>
 * Concurrency: the table is immutable, built on the control plane and reused while the layout (names, order,
 * last weights) is unchanged; picks are stateless, allocation-free and safe from any number of threads.
 */
final class IpvsMaglevScheduler extends IpvsScheduler
{
    /** The table sizes {@code ip_vs_mh.c} allows. */
    public static final int[] PRIMES = {251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071};
    /** {@code primes[CONFIG_IP_VS_MH_TAB_INDEX - 8]} with the default index 12. */
    public static final int DEFAULT_SIZE = 4093;

    /** {@code generate_hash_secret}: both words of each key. */
    private static final long KEY1 = 2654435761L;
    private static final long KEY2 = 2654446892L;

    private final int[] table;
    private final boolean fallback;
    private final boolean hashPort;

    private IpvsMaglevScheduler(final IpvsList list, final int[] table, final boolean fallback,
        final boolean hashPort)
    {
        super(list);
        this.table = table;
        this.fallback = fallback;
        this.hashPort = hashPort;
    }

    static Scheduler create(final List<Destination> destinations, final Scheduler previous, final int size,
        final boolean fallback, final boolean hashPort)
    {
        requireKernelSize(size);
        final IpvsList before = IpvsList.of(previous);
        final IpvsList list = IpvsList.build(destinations, before);
        int[] table = null;
        if (previous instanceof IpvsMaglevScheduler)
        {
            final IpvsMaglevScheduler p = (IpvsMaglevScheduler)previous;
            if (p.table.length == size && list.sameLayout(before))
            {
                table = p.table;
            }
        }
        return new IpvsMaglevScheduler(list, table != null ? table : populate(list, size), fallback, hashPort);
    }

    /**
     * {@code IP_VS_MH_TAB_BITS} of a kernel built for this table size: {@code CONFIG_IP_VS_MH_TAB_INDEX / 2}, where
     * the size is {@code primes[CONFIG_IP_VS_MH_TAB_INDEX - 8]} (ip_vs_mh.c), so 4 bits for 251 and 509, 5 for 1021
     * and 2039, 6 for the default 4093 ... 8 for 65521 and 131071. {@code ip_vs_mh_shift_weight} shifts weights so
     * that {@code max weight / gcd} keeps at most that many bits.
     */
    static int tabBits(final int size)
    {
        for (int i = 0; i < PRIMES.length; i++)
        {
            if (PRIMES[i] == size)
            {
                return (i + 8) / 2;
            }
        }
        throw new IllegalArgumentException("mh table size " + size + " is not one of " + Arrays.toString(PRIMES));
    }

    static void requireKernelSize(final int size)
    {
        for (final int p : PRIMES)
        {
            if (p == size)
            {
                return;
            }
        }
        throw new IllegalArgumentException("mh table size " + size + " is not one of " + Arrays.toString(PRIMES));
    }

    /** {@code ip_vs_mh_permutate} and {@code ip_vs_mh_populate}; entries are list positions, -1 when empty. */
    static int[] populate(final IpvsList list, final int size)
    {
        final int[] table = new int[size];
        Arrays.fill(table, -1);
        final int n = list.size();
        final int gcd = Weights.gcd(list.lastWeight);
        if (gcd < 1 || n > size)
        {
            return table;
        }
        final int shift = 32 - Integer.numberOfLeadingZeros(Weights.max(list.lastWeight) / gcd) - tabBits(size);
        final int rshift = Math.max(shift, 0);
        final int[] perm = new int[n];
        final int[] skip = new int[n];
        final int[] turns = new int[n];
        for (int p = 0; p < n; p++)
        {
            final int key = KernelHash.destinationKey(list.names[p]);
            perm[p] = Integer.remainderUnsigned(KernelHash.hsiphash(KEY1, KEY1, key), size);
            skip[p] = Integer.remainderUnsigned(KernelHash.hsiphash(KEY2, KEY2, key), size - 1) + 1;
            final int lw = list.lastWeight[p];
            final int t = (lw / gcd) >> rshift;
            turns[p] = t != 0 ? t : (lw != 0 ? 1 : 0);
        }
        final boolean[] taken = new boolean[size];
        int filled = 0;
        int inTurn = 0;
        while (true)
        {
            int p = 0;
            while (p < n)
            {
                if (turns[p] < 1)
                {
                    p++;
                    continue;
                }
                while (taken[perm[p]])
                {
                    perm[p] += skip[p];
                    if (perm[p] >= size)
                    {
                        perm[p] -= size;
                    }
                }
                taken[perm[p]] = true;
                table[perm[p]] = p;
                if (++filled == size)
                {
                    return table;
                }
                if (++inTurn >= turns[p])
                {
                    inTurn = 0;
                    p++;
                }
            }
        }
    }

    @Override
    public int pick(final PacketTuple packet, final long flowHash)
    {
        final int[] t = table;
        final int m = t.length;
        final int port = hashPort && SourceHashScheduler.hasPorts(packet.protocol) ? packet.srcPort : 0;
        final int key = port + KernelHash.fold(packet.ipv6, packet.srcHi, packet.srcLo);
        final int ihash = Integer.remainderUnsigned(KernelHash.hsiphash(KEY1, KEY1, key), m);
        final int home = t[ihash];
        if (home < 0)
        {
            return -1;
        }
        if (weight[home] > 0)
        {
            return index[home];
        }
        if (!fallback)
        {
            return -1;
        }
        for (int offset = 0; offset < m; offset++)
        {
            final int roffset = (int)(((long)offset + ihash) % m);
            final int d = t[Integer.remainderUnsigned(KernelHash.hsiphash(KEY1, KEY1, roffset + key), m)];
            if (d < 0)
            {
                return -1;
            }
            if (weight[d] > 0)
            {
                return index[d];
            }
        }
        return -1;
    }

    /** {@return table size M} */
    public int size()
    {
        return table.length;
    }

    /** The lookup table as list positions (for tests and tools). */
    int[] table()
    {
        return table.clone();
    }

    /** {@return true when this scheduler reuses {@code other}'s table (no rebuild happened)} */
    public boolean sharesTableWith(final IpvsMaglevScheduler other)
    {
        return table == other.table;
    }

    @Override
    public String name()
    {
        return "mh";
    }
}
