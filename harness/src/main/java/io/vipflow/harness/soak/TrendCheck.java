package io.vipflow.harness.soak;

import java.util.List;

/**
 * Decides whether a series sampled over a soak grows: the least-squares line through the samples after warm-up
 * must rise, over the span it covers, by no more than a tolerance. A fitted line rather than first-against-last, so
 * that one noisy sample (a GC that freed a little less) neither hides a steady leak nor fakes one.
 * <p>
 * The tolerance is the larger of an absolute floor and a fraction of the first sample after warm-up: memory that
 * holds at a few MiB may wobble by a MiB, which is no leak, while a leak of a few bytes a packet adds up to far more
 * over minutes.
 * <p>
 * Thread contract: immutable; any thread.
 *
 * @param name             what is sampled, for messages ("heap after GC").
 * @param warmupSamples    leading samples ignored: caches, JIT and pools fill at first.
 * @param absoluteFloor    growth always tolerated, in the series' unit (bytes, entries).
 * @param relativeFraction growth tolerated as a fraction of the first sample after warm-up.
 */
public record TrendCheck(String name, int warmupSamples, double absoluteFloor, double relativeFraction)
{
    /** Fewest samples after warm-up for a verdict: a line through two points is just their difference. */
    public static final int MIN_SAMPLES = 3;

    /**
     * What the check found.
     *
     * @param growth    rise of the fitted line over the samples after warm-up, in the series' unit.
     * @param tolerance largest growth accepted.
     * @param samples   samples the line was fitted to.
     */
    public record Result(String name, double growth, double tolerance, int samples)
    {
        /** @return true when there were enough samples and the growth exceeds the tolerance. */
        public boolean grew()
        {
            return samples >= MIN_SAMPLES && growth > tolerance;
        }

        /** @return true when too few samples followed warm-up to judge. */
        public boolean inconclusive()
        {
            return samples < MIN_SAMPLES;
        }

        @Override
        public String toString()
        {
            return String.format("%s: %s (fitted growth %.0f, tolerance %.0f, %d samples after warm-up)", name,
                inconclusive() ? "too few samples" : grew() ? "GROWS" : "flat", growth, tolerance, samples);
        }
    }

    /**
     * @param values the series in sampling order, taken at even intervals of work (the x axis is the sample
     *               number).
     */
    public Result check(final List<? extends Number> values)
    {
        final int from = Math.min(warmupSamples, values.size());
        final int n = values.size() - from;
        if (n < MIN_SAMPLES)
        {
            return new Result(name, 0, 0, n);
        }
        double meanX = 0;
        double meanY = 0;
        for (int i = 0; i < n; i++)
        {
            meanX += i;
            meanY += values.get(from + i).doubleValue();
        }
        meanX /= n;
        meanY /= n;
        double covariance = 0;
        double variance = 0;
        for (int i = 0; i < n; i++)
        {
            final double dx = i - meanX;
            covariance += dx * (values.get(from + i).doubleValue() - meanY);
            variance += dx * dx;
        }
        final double growth = covariance / variance * (n - 1);
        final double tolerance = Math.max(absoluteFloor, relativeFraction * values.get(from).doubleValue());
        return new Result(name, growth, tolerance, n);
    }
}
