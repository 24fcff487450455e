package io.vipflow.harness.sim;

/**
 * Nanosecond durations in log-linear buckets: exact below 2048 ns, then 1024 sub-buckets per power of two
 * (about 0.1 % precision), enough for a 99th percentile without keeping every value.
 * <p>
 * Thread contract: confined to one thread.
 */
final class CostHistogram
{
    private static final int LINEAR = 2048;
    private static final int SUB_BITS = 10;
    private static final int FIRST_EXPONENT = 11;
    private final long[] counts = new long[LINEAR + (63 - FIRST_EXPONENT) * (1 << SUB_BITS)];
    private long total;

    void record(final long nanos)
    {
        final long v = Math.max(0, nanos);
        counts[index(v)]++;
        total++;
    }

    long count()
    {
        return total;
    }

    static int index(final long v)
    {
        if (v < LINEAR)
        {
            return (int)v;
        }
        final int exponent = 63 - Long.numberOfLeadingZeros(v);
        final int sub = (int)(v >>> (exponent - SUB_BITS)) & ((1 << SUB_BITS) - 1);
        return LINEAR + (exponent - FIRST_EXPONENT) * (1 << SUB_BITS) + sub;
    }

    /** The smallest value that falls in bucket {@code index}. */
    static long lowest(final int index)
    {
        if (index < LINEAR)
        {
            return index;
        }
        final int exponent = (index - LINEAR) / (1 << SUB_BITS) + FIRST_EXPONENT;
        final int sub = (index - LINEAR) % (1 << SUB_BITS);
        return (1L << exponent) | ((long)sub << (exponent - SUB_BITS));
    }

    /** @return the value at quantile {@code q} (0..1), the bucket's lower bound; 0 when empty. */
    double quantile(final double q)
    {
        if (total == 0)
        {
            return 0;
        }
        final long rank = Math.max(1, (long)Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < counts.length; i++)
        {
            seen += counts[i];
            if (seen >= rank)
            {
                return lowest(i);
            }
        }
        return lowest(counts.length - 1);
    }
}
