package io.vipflow.packet;

import org.agrona.UnsafeApi;

/**
 * Big-endian reads of frame bytes, addressed as Unsafe addresses them: a base object (a {@code byte[]}, or null for
 * direct memory) and an address ({@code address + index}), so {@link FrameParser} has one code path for arrays and
 * for every Agrona buffer, without wrapping an array (an allocation or a thread-local per frame) and without a
 * bounds check per read.
 * <p>
 * No read checks its index: {@link FrameParser} proves once per frame that the frame lies within its buffer and
 * tests every header's length against the frame's captured end before reading it, so a check here would only
 * repeat one already made (on the per-packet path, a compare and a branch per field, and code that kept the parser
 * from inlining into its caller).
 * <p>
 * Thread contract: stateless; any thread.
 */
final class FrameBytes
{
    /** The address of a {@code byte[]}'s first element, relative to the array. */
    static final long ARRAY_BASE = UnsafeApi.arrayBaseOffset(byte[].class);

    private FrameBytes()
    {
    }

    static int u8(final Object base, final long address, final int index)
    {
        return UnsafeApi.getByte(base, address + index) & 0xff;
    }

    static int u16(final Object base, final long address, final int index)
    {
        return UnsafeApi.getShortUnaligned(base, address + index, true) & 0xffff;
    }

    static int i32(final Object base, final long address, final int index)
    {
        return UnsafeApi.getIntUnaligned(base, address + index, true);
    }

    static long i64(final Object base, final long address, final int index)
    {
        return UnsafeApi.getLongUnaligned(base, address + index, true);
    }
}
