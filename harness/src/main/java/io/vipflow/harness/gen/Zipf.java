package io.vipflow.harness.gen;

import java.util.SplittableRandom;

/**
 * Zipf-distributed ranks: rank {@code k} (0-based) is drawn with probability proportional to
 * {@code 1 / (k + 1)^exponent}, so a few clients and Services take most of the traffic, as in measured request
 * popularity. Sampling is a binary search over the cumulative weights (log n, no allocation).
 * <p>
 * Thread contract: immutable; the caller's random source carries the state, so one instance can serve many
 * threads, each with its own {@link SplittableRandom}.
 */
public final class Zipf
{
    private final double[] cumulative;

    /**
     * @param n        number of ranks, ≥ 1.
     * @param exponent skew, ≥ 0; 0 is uniform, 1 is classic Zipf.
     */
    public Zipf(final int n, final double exponent)
    {
        if (n < 1)
        {
            throw new IllegalArgumentException("Zipf needs at least one rank: " + n);
        }
        if (!(exponent >= 0) || Double.isInfinite(exponent))
        {
            throw new IllegalArgumentException("Zipf exponent must be finite and ≥ 0: " + exponent);
        }
        cumulative = new double[n];
        double sum = 0;
        for (int k = 0; k < n; k++)
        {
            sum += 1.0 / Math.pow(k + 1, exponent);
            cumulative[k] = sum;
        }
        for (int k = 0; k < n; k++)
        {
            cumulative[k] /= sum;
        }
        // Rounding must never leave the last rank unreachable.
        cumulative[n - 1] = 1.0;
    }

    /** @return number of ranks. */
    public int size()
    {
        return cumulative.length;
    }

    /** @return the probability of {@code rank}. */
    public double probability(final int rank)
    {
        return rank == 0 ? cumulative[0] : cumulative[rank] - cumulative[rank - 1];
    }

    /** @return a rank in {@code 0..size()-1}. */
    public int sample(final SplittableRandom random)
    {
        final double u = random.nextDouble();
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi)
        {
            final int mid = (lo + hi) >>> 1;
            if (cumulative[mid] > u)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }
        return lo;
    }
}
