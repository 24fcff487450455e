package io.vipflow.sync;

import java.util.Arrays;

/**
 * The most recent sync lags (send to apply, nanoseconds), for percentiles.
 * <p>
 * Thread contract: {@link #record} from the receiving thread; {@link #percentile} from any thread (both hold the
 * monitor, taken once per message, never per packet).
 */
final class LagRecorder
{
    private final long[] samples = new long[1 << 16];
    private long count;

    synchronized void record(final long nanos)
    {
        samples[(int)(count++ & (samples.length - 1))] = nanos;
    }

    /** The {@code p}-th percentile (0..100) of the retained samples, or -1 with none. */
    synchronized long percentile(final double p)
    {
        final int n = (int)Math.min(count, samples.length);
        if (n == 0)
        {
            return -1;
        }
        final long[] copy = Arrays.copyOf(samples, n);
        Arrays.sort(copy);
        final int rank = (int)Math.ceil(p / 100.0 * n) - 1;
        return copy[Math.max(0, Math.min(n - 1, rank))];
    }

    synchronized long count()
    {
        return count;
    }
}
