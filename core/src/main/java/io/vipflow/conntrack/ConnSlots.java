package io.vipflow.conntrack;

/**
 * Packing of the header, ports and meta words of a {@link ConnTable} slot. Stateless.
 * <p>
 * Meta holds everything whose changes must be atomic with one another: {@code state(8) | version(16) |
 * expiry(40)}, the expiry in whole milliseconds modulo 2^40 (a window of about 17 years either side of any
 * time, compared wrap-aware). With state and deadline in one word, a removal (CAS to DEAD from the meta it
 * judged expired) and a refresh (CAS to a later deadline) can never both succeed.
 */
final class ConnSlots
{
    static final long EXPIRY_MASK = (1L << 40) - 1;
    static final long META_VERSION_MASK = 0xFFFFL;
    static final long NANOS_PER_MILLI = 1_000_000L;

    private ConnSlots()
    {
    }

    static int tagOf(final long hash)
    {
        final int tag = (int)(hash >>> 32);
        return tag == 0 ? 1 : tag;
    }

    static long nextVersion(final long header)
    {
        return (((header >>> 8) & ConnTable.VERSION_MASK) + 1) & ConnTable.VERSION_MASK;
    }

    /** An EMPTY header with the version bumped, so readers of the old entry see the change. */
    static long emptied(final long header)
    {
        return nextVersion(header) << 8;
    }

    static long packPorts(final FlowKey key)
    {
        return ((long)(key.protocol & 0x1FF) << 32) | ((long)(key.srcPort & 0xFFFF) << 16) | (key.dstPort & 0xFFFF);
    }

    /** Meta for a state, a slot version and a deadline in nanoseconds (rounded up to the millisecond). */
    static long packMeta(final int state, final long version, final long expiryNanos)
    {
        return ((long)(state & 0xFF) << 56) | ((version & META_VERSION_MASK) << 40) | toMillis(expiryNanos);
    }

    static long withState(final long meta, final int state)
    {
        return (meta & ~(0xFFL << 56)) | ((long)(state & 0xFF) << 56);
    }

    static int stateOf(final long meta)
    {
        return (int)(meta >>> 56) & 0xFF;
    }

    /** The deadline in milliseconds, rounded up so an entry never expires before the time it was given. */
    static long toMillis(final long nanos)
    {
        return ceilMillis(nanos) & EXPIRY_MASK;
    }

    /** {@code nanos} in whole milliseconds, rounded up: {@link #toMillis} before the 2^40 ms window. */
    static long ceilMillis(final long nanos)
    {
        return Math.floorDiv(nanos + (NANOS_PER_MILLI - 1), NANOS_PER_MILLI);
    }

    /** {@code nanos} in whole milliseconds, rounded down (the clock's millisecond, as {@link #expiredAt} takes it). */
    static long floorMillis(final long nanos)
    {
        return Math.floorDiv(nanos, NANOS_PER_MILLI);
    }

    /**
     * True when the entry's deadline is at or before {@code nowMillis}, a time in whole milliseconds rounded down
     * ({@link #floorMillis}, or a {@link MillisMemo}'s).
     */
    static boolean expiredAt(final long meta, final long nowMillis)
    {
        return millisLeft(meta, nowMillis) <= 0;
    }

    /**
     * Milliseconds from {@code nowMillis} (whole milliseconds, rounded down) to the entry's deadline, compared in the
     * table's 2^40 ms window: positive while the entry lives ({@link #expiredAt} is false), so that the deadlines of
     * live entries order as these do.
     */
    static long millisLeft(final long meta, final long nowMillis)
    {
        return signed40((meta & EXPIRY_MASK) - (nowMillis & EXPIRY_MASK));
    }

    /**
     * How many milliseconds the deadline {@code expiryMillis} (whole milliseconds, rounded up: {@link #ceilMillis})
     * lies after the one in {@code meta}, negative when before, compared in the table's 2^40 ms window.
     */
    static long millisAheadOf(final long meta, final long expiryMillis)
    {
        return signed40((expiryMillis & EXPIRY_MASK) - (meta & EXPIRY_MASK));
    }

    /** The deadline as nanoseconds on the caller's clock, placed in the 2^40 ms window after {@code createdNanos}. */
    static long expiryNanos(final long meta, final long createdNanos)
    {
        final long createdMillis = Math.floorDiv(createdNanos, NANOS_PER_MILLI);
        final long ahead = ((meta & EXPIRY_MASK) - createdMillis) & EXPIRY_MASK;
        return (createdMillis + ahead) * NANOS_PER_MILLI;
    }

    private static long signed40(final long value)
    {
        return (value << 24) >> 24;
    }
}
