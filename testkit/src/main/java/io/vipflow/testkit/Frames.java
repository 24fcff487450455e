package io.vipflow.testkit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Ethernet II / IPv4 frames carrying TCP or UDP, with valid IPv4 header and TCP/UDP checksums, so that the
 * capture opens cleanly in any capture tool.
 * <p>
 * Thread contract: stateless; any thread.
 */
public final class Frames
{
    /** TCP flag bits as they sit in the TCP header's flags byte. */
    public static final int FIN = 0x01;
    /** SYN flag. */
    public static final int SYN = 0x02;
    /** PSH flag. */
    public static final int PSH = 0x08;
    /** ACK flag. */
    public static final int ACK = 0x10;

    private static final int ETHERNET_HEADER = 14;
    private static final int IPV4_HEADER = 20;
    private static final int TCP_HEADER = 20;
    private static final int UDP_HEADER = 8;
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int PROTO_TCP = 6;
    private static final int PROTO_UDP = 17;
    private static final byte[] CLIENT_MAC = {0x02, 0x00, 0x0a, (byte)0xf4, 0x07, 0x01};
    private static final byte[] GATEWAY_MAC = {0x02, 0x00, 0x0a, 0x60, 0x64, 0x01};

    private Frames()
    {
    }

    /**
     * @param src     IPv4 source address as an int (network order value, e.g. 0x0af40705 for 10.244.7.5).
     * @param dst     IPv4 destination address.
     * @param flags   TCP flags ({@link #SYN}, {@link #ACK}, ...).
     * @param seq     sequence number.
     * @param ack     acknowledgment number (sent as is; meaningful with {@link #ACK}).
     * @param payload TCP payload, may be empty.
     * @return the whole frame.
     */
    public static byte[] tcp(final int src, final int srcPort, final int dst, final int dstPort, final int flags,
        final int seq, final int ack, final byte[] payload)
    {
        final ByteBuffer l4 = ByteBuffer.allocate(TCP_HEADER + payload.length).order(ByteOrder.BIG_ENDIAN);
        l4.putShort((short)srcPort).putShort((short)dstPort).putInt(seq).putInt(ack);
        l4.put((byte)(TCP_HEADER / 4 << 4)).put((byte)flags).putShort((short)64240)
            .putShort((short)0).putShort((short)0);                          // checksum (filled in below), urgent
        l4.put(payload);
        final byte[] segment = l4.array();
        putChecksum(segment, 16, src, dst, PROTO_TCP);
        return frame(src, dst, PROTO_TCP, segment);
    }

    /**
     * @return an Ethernet/IPv4/UDP frame carrying {@code payload}.
     */
    public static byte[] udp(final int src, final int srcPort, final int dst, final int dstPort, final byte[] payload)
    {
        final ByteBuffer l4 = ByteBuffer.allocate(UDP_HEADER + payload.length).order(ByteOrder.BIG_ENDIAN);
        l4.putShort((short)srcPort).putShort((short)dstPort).putShort((short)(UDP_HEADER + payload.length))
            .putShort((short)0).put(payload);
        final byte[] datagram = l4.array();
        putChecksum(datagram, 6, src, dst, PROTO_UDP);
        return frame(src, dst, PROTO_UDP, datagram);
    }

    private static byte[] frame(final int src, final int dst, final int protocol, final byte[] l4)
    {
        final ByteBuffer b = ByteBuffer.allocate(ETHERNET_HEADER + IPV4_HEADER + l4.length)
            .order(ByteOrder.BIG_ENDIAN);
        b.put(GATEWAY_MAC).put(CLIENT_MAC).putShort((short)ETHERTYPE_IPV4);
        final int ip = b.position();
        b.put((byte)0x45).put((byte)0).putShort((short)(IPV4_HEADER + l4.length))
            .putShort((short)0).putShort((short)0x4000)     // identification 0, Don't Fragment
            .put((byte)64).put((byte)protocol).putShort((short)0).putInt(src).putInt(dst);
        b.putShort(ip + 10, (short)fold(sum(b.array(), ip, IPV4_HEADER, 0)));
        b.put(l4);
        return b.array();
    }

    /** The TCP/UDP checksum over the pseudo-header and the segment (RFC 793 section 3.1, RFC 768). */
    private static void putChecksum(final byte[] segment, final int at, final int src, final int dst,
        final int protocol)
    {
        long pseudo = (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + segment.length;
        int checksum = fold(sum(segment, 0, segment.length, pseudo));
        if (protocol == PROTO_UDP && checksum == 0)
        {
            checksum = 0xffff;   // RFC 768: a computed zero is sent as all ones, zero meaning "no checksum"
        }
        segment[at] = (byte)(checksum >>> 8);
        segment[at + 1] = (byte)checksum;
    }

    private static long sum(final byte[] bytes, final int offset, final int length, final long initial)
    {
        long sum = initial;
        for (int i = 0; i < length; i += 2)
        {
            final int hi = bytes[offset + i] & 0xff;
            final int lo = i + 1 < length ? bytes[offset + i + 1] & 0xff : 0;
            sum += hi << 8 | lo;
        }
        return sum;
    }

    private static int fold(final long sum)
    {
        long s = sum;
        while (s >>> 16 != 0)
        {
            s = (s & 0xffff) + (s >>> 16);
        }
        return (int)~s & 0xffff;
    }
}
