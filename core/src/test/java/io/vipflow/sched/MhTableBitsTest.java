package io.vipflow.sched;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.vipflow.sched.Dests.of;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * {@code IP_VS_MH_TAB_BITS} follows the table size (ip_vs_mh.c: {@code CONFIG_IP_VS_MH_TAB_INDEX / 2}, the size
 * being {@code primes[CONFIG_IP_VS_MH_TAB_INDEX - 8]}), and {@code ip_vs_mh_shift_weight} shifts every turn count
 * right by {@code fls(max last_weight / gcd) - IP_VS_MH_TAB_BITS} when that is positive.
 */
class MhTableBitsTest
{
    /** The kernel's CONFIG_IP_VS_MH_TAB_INDEX range, 8..17, against the sizes it selects. */
    private static final int[][] INDEX_AND_SIZE = {{8, 251}, {9, 509}, {10, 1021}, {11, 2039}, {12, 4093},
        {13, 8191}, {14, 16381}, {15, 32749}, {16, 65521}, {17, 131071}};

    @Test
    void bitsFollowTheTableSizeIndex()
    {
        for (final int[] row : INDEX_AND_SIZE)
        {
            assertEquals(row[0] / 2, IpvsMaglevScheduler.tabBits(row[1]), "size " + row[1]);
        }
    }

    /**
     * Weights 1 and 2^bits: {@code fls(2^bits) = bits + 1}, shift 1, so the turns are 1 (a non-zero weight shifted
     * to 0 keeps one turn) and 2^(bits-1): the same table as weights 1 and 2^(bits-1), which need no shift. Weights
     * 1 and 2^bits - 1 need no shift and give another table. A fixed 6 bits fails both at every size but 4093 and
     * 8191.
     */
    @Test
    void weightsAreShiftedByTheSizesBits()
    {
        for (final int[] row : INDEX_AND_SIZE)
        {
            final int size = row[1];
            final int bits = row[0] / 2;
            final int[] shifted = table(size, 1 << bits);
            assertArrayEquals(table(size, 1 << (bits - 1)), shifted, "size " + size + ": shift 1");
            final int[] unshifted = table(size, (1 << bits) - 1);
            assertFalse(java.util.Arrays.equals(shifted, unshifted), "size " + size + ": no shift below 2^bits");
            assertEquals((1 << bits) - 1, slotsOf(unshifted, 1) == 0 ? -1 : turnsRatio(unshifted),
                "size " + size + ": the heavy destination takes 2^bits - 1 slots per round");
        }
    }

    private static int[] table(final int size, final int heavyWeight)
    {
        final List<Destination> d = of("10.0.0.1:80=1", "10.0.0.2:80=" + heavyWeight);
        return IpvsMaglevScheduler.populate(IpvsList.build(d, null), size);
    }

    private static int slotsOf(final int[] table, final int position)
    {
        int n = 0;
        for (final int p : table)
        {
            n += p == position ? 1 : 0;
        }
        return n;
    }

    /** Rounded slots of the heavy destination per slot of the light one (one turn each round). */
    private static int turnsRatio(final int[] table)
    {
        return Math.round((float)slotsOf(table, 1) / slotsOf(table, 0));
    }
}
