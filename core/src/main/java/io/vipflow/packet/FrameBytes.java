package io.vipflow.packet;

import org.agrona.DirectBuffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * Big-endian reads over either a {@link DirectBuffer} or a {@code byte[]}, so {@link FrameParser} has one code
 * path for both sources: exactly one of {@code buffer} and {@code array} is non-null. Reading a {@code byte[]}
 * directly avoids wrapping it in a buffer, which would cost an allocation or a thread-local per frame.
 * <p>
 * Callers bounds-check first; these reads assume the index is valid.
 * <p>
 * Thread contract: stateless; any thread.
 */
final class FrameBytes
{
    private static final VarHandle SHORT_BE = MethodHandles.byteArrayViewVarHandle(short[].class, BIG_ENDIAN);
    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, BIG_ENDIAN);
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, BIG_ENDIAN);

    private FrameBytes()
    {
    }

    static int u8(final DirectBuffer buffer, final byte[] array, final int index)
    {
        return (null != array ? array[index] : buffer.getByte(index)) & 0xff;
    }

    static int u16(final DirectBuffer buffer, final byte[] array, final int index)
    {
        return (null != array ? (short)SHORT_BE.get(array, index) : buffer.getShort(index, BIG_ENDIAN)) & 0xffff;
    }

    static int i32(final DirectBuffer buffer, final byte[] array, final int index)
    {
        return null != array ? (int)INT_BE.get(array, index) : buffer.getInt(index, BIG_ENDIAN);
    }

    static long i64(final DirectBuffer buffer, final byte[] array, final int index)
    {
        return null != array ? (long)LONG_BE.get(array, index) : buffer.getLong(index, BIG_ENDIAN);
    }
}
