package io.vipflow.harness.trace;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Writes classic pcap bytes for tests, one record at a time, remembering where each record starts.
 */
final class PcapFile
{
    static final int MICROS_MAGIC = 0xA1B2C3D4;
    static final int NANOS_MAGIC = 0xA1B23C4D;

    private ByteBuffer buffer;
    private long lastRecordOffset = -1;

    PcapFile(final ByteOrder order, final boolean nanos, final int linkType)
    {
        buffer = ByteBuffer.allocate(1024).order(order);
        buffer.putInt(nanos ? NANOS_MAGIC : MICROS_MAGIC);
        buffer.putShort((short)2).putShort((short)4);
        buffer.putInt(0).putInt(0);
        buffer.putInt(65535);
        buffer.putInt(linkType);
    }

    PcapFile record(final long seconds, final long fraction, final byte[] data)
    {
        return record(seconds, fraction, data.length, data.length, data);
    }

    /** Writes a record whose header may disagree with the bytes that follow, for error cases. */
    PcapFile record(
        final long seconds, final long fraction, final int captured, final int original, final byte[] data)
    {
        ensure(16 + data.length);
        lastRecordOffset = buffer.position();
        buffer.putInt((int)seconds).putInt((int)fraction).putInt(captured).putInt(original).put(data);
        return this;
    }

    long lastRecordOffset()
    {
        return lastRecordOffset;
    }

    byte[] toBytes()
    {
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    private void ensure(final int length)
    {
        if (buffer.remaining() < length)
        {
            final ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + length))
                .order(buffer.order());
            buffer.flip();
            bigger.put(buffer);
            buffer = bigger;
        }
    }

    /** Packet bytes whose every position is distinct enough to catch copies from the wrong place. */
    static byte[] payload(final int length, final int seed)
    {
        final byte[] data = new byte[length];
        for (int i = 0; i < length; i++)
        {
            data[i] = (byte)(seed * 31 + i * 7 + (i >> 8));
        }
        return data;
    }
}
