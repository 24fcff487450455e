package io.vipflow.sched;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The fill (probing, then arithmetic for the last free slots) gives the table of the paper's plain loop. */
class MaglevPopulateTest
{
    /** Pseudocode 1 as the paper writes it, with Katran V2 turns for weights (null: one turn a round). */
    private static char[] reference(final int[] offsets, final int[] skips, final int[] weights, final int m)
    {
        final int n = offsets.length;
        final int[] next = new int[n];
        final int[] entry = new int[m];
        java.util.Arrays.fill(entry, -1);
        final long max = weights == null ? 1 : Weights.max(weights);
        final long[] running = new long[n];
        int filled = 0;
        while (true)
        {
            for (int i = 0; i < n; i++)
            {
                if (weights != null)
                {
                    running[i] += weights[i];
                    if (running[i] < max)
                    {
                        continue;
                    }
                    running[i] -= max;
                }
                int c = (int)((offsets[i] + (long)next[i] * skips[i]) % m);
                while (entry[c] >= 0)
                {
                    next[i]++;
                    c = (int)((offsets[i] + (long)next[i] * skips[i]) % m);
                }
                entry[c] = i;
                next[i]++;
                if (++filled == m)
                {
                    final char[] out = new char[m];
                    for (int s = 0; s < m; s++)
                    {
                        out[s] = (char)entry[s];
                    }
                    return out;
                }
            }
        }
    }

    @Test
    void sameTableAsThePaperLoop()
    {
        final Random r = new Random(11);
        final int[] primes = {7, 251, 1021, 4093, 16381, 131071};
        for (int round = 0; round < 60; round++)
        {
            final int m = primes[round % primes.length];
            final int n = 1 + r.nextInt(Math.min(m, round % 3 == 0 ? 1000 : 20));
            final int[] offsets = new int[n];
            final int[] skips = new int[n];
            for (int i = 0; i < n; i++)
            {
                offsets[i] = r.nextInt(m);
                skips[i] = 1 + r.nextInt(m - 1);
            }
            int[] weights = null;
            if (round % 2 == 1)
            {
                weights = new int[n];
                for (int i = 0; i < n; i++)
                {
                    weights[i] = 1 + r.nextInt(5);
                }
            }
            assertArrayEquals(reference(offsets, skips, weights, m), MaglevTable.populate(offsets, skips, weights, m),
                "M " + m + ", N " + n + ", round " + round);
        }
    }
}
