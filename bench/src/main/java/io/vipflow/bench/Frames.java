package io.vipflow.bench;

import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/** Writes minimal Ethernet + IPv4 + TCP frames (54 bytes) for benchmarks. */
final class Frames
{
    private Frames()
    {
    }

    static void tcpIpv4(final MutableDirectBuffer b, final int at, final int src, final int srcPort, final int dst,
        final int dstPort, final int flags)
    {
        for (int i = 0; i < 12; i++)
        {
            b.putByte(at + i, (byte)(i + 1));
        }
        b.putShort(at + 12, (short)0x0800, ByteOrder.BIG_ENDIAN);
        final int ip = at + 14;
        b.putByte(ip, (byte)0x45);
        b.putByte(ip + 1, (byte)0);
        b.putShort(ip + 2, (short)40, ByteOrder.BIG_ENDIAN);
        b.putInt(ip + 4, 0, ByteOrder.BIG_ENDIAN);
        b.putByte(ip + 8, (byte)64);
        b.putByte(ip + 9, (byte)6);
        b.putShort(ip + 10, (short)0, ByteOrder.BIG_ENDIAN);
        b.putInt(ip + 12, src, ByteOrder.BIG_ENDIAN);
        b.putInt(ip + 16, dst, ByteOrder.BIG_ENDIAN);
        final int tcp = ip + 20;
        b.putShort(tcp, (short)srcPort, ByteOrder.BIG_ENDIAN);
        b.putShort(tcp + 2, (short)dstPort, ByteOrder.BIG_ENDIAN);
        b.putLong(tcp + 4, 0L);
        b.putByte(tcp + 12, (byte)0x50);
        b.putByte(tcp + 13, (byte)flags);
        b.putShort(tcp + 14, (short)65535, ByteOrder.BIG_ENDIAN);
        b.putInt(tcp + 16, 0);
    }
}
