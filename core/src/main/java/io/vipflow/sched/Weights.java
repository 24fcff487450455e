package io.vipflow.sched;

import java.util.List;

/** Helpers over destination weights. Control plane only. */
final class Weights
{
    private Weights()
    {
    }

    /** Indexes of the destinations with weight above 0, in list order. */
    static int[] positiveIndexes(final List<Destination> destinations)
    {
        int count = 0;
        for (final Destination d : destinations)
        {
            count += d.weight() > 0 ? 1 : 0;
        }
        final int[] out = new int[count];
        int k = 0;
        for (int i = 0; i < destinations.size(); i++)
        {
            if (destinations.get(i).weight() > 0)
            {
                out[k++] = i;
            }
        }
        return out;
    }

    /** Greatest common divisor of the positive weights, 0 when none is positive ({@code ip_vs_wrr_gcd_weight}). */
    static int gcd(final int[] weights)
    {
        int g = 0;
        for (final int w : weights)
        {
            if (w > 0)
            {
                g = g == 0 ? w : gcd(g, w);
            }
        }
        return g;
    }

    static int gcd(final int a, final int b)
    {
        int x = a;
        int y = b;
        while (y != 0)
        {
            final int t = x % y;
            x = y;
            y = t;
        }
        return x;
    }

    /** The largest weight, 0 for none. */
    static int max(final int[] weights)
    {
        int m = 0;
        for (final int w : weights)
        {
            m = Math.max(m, w);
        }
        return m;
    }

    /** Sum of the positive weights; refuses sums that a 31-bit random draw cannot cover. */
    static int positiveSum(final int[] weights)
    {
        long sum = 0;
        for (final int w : weights)
        {
            sum += Math.max(w, 0);
        }
        if (sum >= Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("sum of weights " + sum + " too large");
        }
        return (int)sum;
    }
}
