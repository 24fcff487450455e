package io.vipflow.conntrack;

/**
 * {@code Math.floorDiv(nanos, 1_000_000)} with the last answer remembered: a time in the same millisecond as the one
 * before costs two comparisons instead of a division. A data-plane thread converts its packet's time to the table's
 * milliseconds on every packet (is the entry expired, does its deadline move), and consecutive packets of a thread
 * nearly always fall in one millisecond; a profile of the in-cache benchmark put the two divisions at several percent
 * of the whole packet. The answer is always exactly the division's.
 * <p>
 * Owned by one thread ({@link ConnView} holds two, one for packet times and one for deadlines); not thread-safe.
 */
final class MillisMemo
{
    /** The remembered millisecond covers the nanoseconds {@code [low, high)}; empty until the first call. */
    private long low = 1;
    private long high = 0;
    private long millis;

    /**
     * {@return {@code nanos} in whole milliseconds, rounded down (towards negative infinity)}
     *
     * @param nanos any time in nanoseconds
     */
    long floorMillis(final long nanos)
    {
        if (nanos >= low && nanos < high)
        {
            return millis;
        }
        return remember(nanos);
    }

    /**
     * {@return {@code nanos} in whole milliseconds, rounded up: {@link ConnSlots#ceilMillis}, remembered}
     *
     * @param nanos any time in nanoseconds, at most {@code Long.MAX_VALUE - 999,999}
     */
    long ceilMillis(final long nanos)
    {
        return floorMillis(nanos + (ConnSlots.NANOS_PER_MILLI - 1));
    }

    private long remember(final long nanos)
    {
        final long into = Math.floorMod(nanos, ConnSlots.NANOS_PER_MILLI);
        millis = ConnSlots.floorMillis(nanos);
        if (nanos < Long.MIN_VALUE + into)
        {
            // The millisecond starts before the first long: not remembered (such a clock is of no use anyway).
            low = 1;
            high = 0;
        }
        else
        {
            low = nanos - into;
            high = low > Long.MAX_VALUE - ConnSlots.NANOS_PER_MILLI ? Long.MAX_VALUE : low + ConnSlots.NANOS_PER_MILLI;
        }
        return millis;
    }
}
