package io.vipflow.harness;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Small captures for command tests. */
public final class TestCaptures
{
    private TestCaptures()
    {
    }

    /** A pcap header and no packets: a valid, empty capture. */
    public static byte[] empty()
    {
        return syns(0, 0x0a60000a, 80);
    }

    /**
     * Microsecond pcap (raw IP) of TCP SYNs from 10.11.0.1 to {@code dstIp:dstPort}, one per millisecond.
     */
    public static byte[] syns(final int count, final int dstIp, final int dstPort)
    {
        final ByteBuffer b = ByteBuffer.allocate(24 + count * 56).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xA1B2C3D4).putShort((short)2).putShort((short)4).putInt(0).putInt(0).putInt(65535).putInt(101);
        for (int i = 0; i < count; i++)
        {
            b.putInt(1_800_000_000).putInt(i * 1000).putInt(40).putInt(40);
            b.order(ByteOrder.BIG_ENDIAN);
            b.put((byte)0x45).put((byte)0).putShort((short)40).putInt(0).put((byte)64).put((byte)6).putShort((short)0);
            b.putInt(0x0a0b0001).putInt(dstIp);
            b.putShort((short)(40000 + i)).putShort((short)dstPort).putInt(1).putInt(0);
            b.put((byte)0x50).put((byte)0x02).putShort((short)65535).putInt(0);
            b.order(ByteOrder.LITTLE_ENDIAN);
        }
        return b.array();
    }
}
