package io.vipflow.harness.trace;

/**
 * Converts pcapng timestamps, counted in the unit an interface's {@code if_tsresol} option names, to nanoseconds
 * since the Unix epoch.
 * <p>
 * {@code if_tsresol}: with the high bit clear the unit is 10^-v seconds, with it set 2^-v seconds, v being the low
 * seven bits. Results that do not fit in a signed 64-bit count of nanoseconds (past the year 2262) are refused
 * rather than wrapped, so that a corrupt timestamp is not mistaken for a plausible one.
 * <p>
 * Thread contract: stateless.
 */
final class Timestamps
{
    /** Microseconds, what an interface without the option uses. */
    static final int DEFAULT_RESOLUTION = 6;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final int BINARY_FLAG = 0x80;
    private static final int MAX_DECIMAL_EXPONENT = 18;
    private static final int MAX_BINARY_EXPONENT = 63;
    private static final long[] POWERS_OF_TEN = new long[MAX_DECIMAL_EXPONENT + 1];

    static
    {
        POWERS_OF_TEN[0] = 1;
        for (int i = 1; i < POWERS_OF_TEN.length; i++)
        {
            POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
        }
    }

    private Timestamps()
    {
    }

    /**
     * @param resolution the {@code if_tsresol} byte, 0..255.
     * @return true if {@link #toNanos(long, int, long)} accepts it: units down to 10^-18 or 2^-63 seconds.
     */
    static boolean isSupported(final int resolution)
    {
        return (resolution & BINARY_FLAG) == 0 ?
            resolution <= MAX_DECIMAL_EXPONENT : (resolution & ~BINARY_FLAG) <= MAX_BINARY_EXPONENT;
    }

    /**
     * @param ticks         unsigned 64-bit count of units since the epoch, before the offset is added.
     * @param resolution    a supported {@code if_tsresol} byte.
     * @param offsetSeconds the interface's {@code if_tsoffset}, in seconds.
     * @return nanoseconds since the epoch, truncated toward zero where the unit is finer.
     * @throws ArithmeticException if the result does not fit in a {@code long}.
     */
    static long toNanos(final long ticks, final int resolution, final long offsetSeconds)
    {
        final long nanos;
        if ((resolution & BINARY_FLAG) == 0)
        {
            if (resolution <= 9)
            {
                nanos = Math.multiplyExact(checkNonNegative(ticks), POWERS_OF_TEN[9 - resolution]);
            }
            else
            {
                nanos = Long.divideUnsigned(ticks, POWERS_OF_TEN[resolution - 9]);
            }
        }
        else
        {
            final int shift = resolution & ~BINARY_FLAG;
            final long seconds = ticks >>> shift;
            final long fraction = ticks & ((1L << shift) - 1);
            nanos = Math.addExact(
                Math.multiplyExact(checkNonNegative(seconds), NANOS_PER_SECOND), fractionToNanos(fraction, shift));
        }

        return 0 == offsetSeconds ? nanos : Math.addExact(nanos, Math.multiplyExact(offsetSeconds, NANOS_PER_SECOND));
    }

    /**
     * fraction * 10^9 / 2^shift without overflow: the product needs up to 93 bits, so it is formed as 128 bits.
     * Both operands are non-negative, so the signed high half is the unsigned one.
     */
    private static long fractionToNanos(final long fraction, final int shift)
    {
        if (0 == shift)
        {
            return 0;
        }
        final long high = Math.multiplyHigh(fraction, NANOS_PER_SECOND);
        final long low = fraction * NANOS_PER_SECOND;
        return (high << (64 - shift)) | (low >>> shift);
    }

    private static long checkNonNegative(final long value)
    {
        if (value < 0)
        {
            throw new ArithmeticException("timestamp overflows 64-bit nanoseconds");
        }
        return value;
    }
}
