package io.vipflow.harness.live;

import java.util.Arrays;
import java.util.Locale;

/**
 * Summarises reaction times (receipt of a change to the publish that carried it) for messages.
 * <p>
 * Thread contract: stateless.
 */
public final class ReactionStats
{
    private ReactionStats()
    {
    }

    /**
     * @param reactionNanos reaction times in nanoseconds, in any order; not changed.
     * @return {@code 104 changes, reaction p50 21.3 ms, p99 24.0 ms, max 25.1 ms}, or {@code no changes}.
     */
    public static String describe(final long[] reactionNanos)
    {
        if (reactionNanos.length == 0)
        {
            return "no changes";
        }
        final long[] sorted = reactionNanos.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "%d changes, reaction p50 %.1f ms, p99 %.1f ms, max %.1f ms",
            sorted.length, millis(percentile(sorted, 0.50)), millis(percentile(sorted, 0.99)),
            millis(sorted[sorted.length - 1]));
    }

    /**
     * @return the nearest-rank percentile of sorted values.
     */
    static long percentile(final long[] sorted, final double fraction)
    {
        final int rank = (int)Math.ceil(fraction * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static double millis(final long nanos)
    {
        return nanos / 1e6;
    }
}
