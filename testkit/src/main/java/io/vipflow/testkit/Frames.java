package io.vipflow.testkit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Ethernet II frames carrying TCP, UDP or SCTP over IPv4 or IPv6, with valid IPv4 header, TCP/UDP and SCTP
 * (CRC32c) checksums, so that the capture opens cleanly in any capture tool.
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

    /** SCTP chunk type DATA (RFC 9260 section 3.3.1). */
    public static final int SCTP_DATA = 0;
    /** SCTP chunk type INIT, which opens an association (RFC 9260 section 3.3.2). */
    public static final int SCTP_INIT = 1;
    /** SCTP chunk type ABORT (RFC 9260 section 3.3.7). */
    public static final int SCTP_ABORT = 6;

    private static final int ETHERNET_HEADER = 14;
    private static final int IPV4_HEADER = 20;
    private static final int IPV6_HEADER = 40;
    private static final int TCP_HEADER = 20;
    private static final int UDP_HEADER = 8;
    private static final int SCTP_COMMON_HEADER = 12;
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86dd;
    private static final int PROTO_TCP = 6;
    private static final int PROTO_UDP = 17;
    private static final int PROTO_SCTP = 132;
    private static final int VERIFICATION_TAG = 0x5ca1ab1e;
    private static final byte[] CLIENT_MAC = {0x02, 0x00, 0x0a, (byte)0xf4, 0x07, 0x01};
    private static final byte[] GATEWAY_MAC = {0x02, 0x00, 0x0a, 0x60, 0x64, 0x01};

    private Frames()
    {
    }

    /**
     * @param src     IPv4 source address as an int (network order value, e.g. 0x0af40705 for 10.244.7.5).
     * @param srcPort source port.
     * @param dst     IPv4 destination address.
     * @param dstPort destination port.
     * @param flags   TCP flags ({@link #SYN}, {@link #ACK}, ...).
     * @param seq     sequence number.
     * @param ack     acknowledgment number (sent as is; meaningful with {@link #ACK}).
     * @param payload TCP payload, may be empty.
     * @return the whole frame.
     */
    public static byte[] tcp(final int src, final int srcPort, final int dst, final int dstPort, final int flags,
        final int seq, final int ack, final byte[] payload)
    {
        return tcp(ipv4(src), srcPort, ipv4(dst), dstPort, flags, seq, ack, payload);
    }

    /**
     * @param src     source address, 4 bytes (IPv4) or 16 (IPv6), network order.
     * @param srcPort source port.
     * @param dst     destination address, of the same family.
     * @param dstPort destination port.
     * @param flags   TCP flags ({@link #SYN}, {@link #ACK}, ...).
     * @param seq     sequence number.
     * @param ack     acknowledgment number (sent as is; meaningful with {@link #ACK}).
     * @param payload TCP payload, may be empty.
     * @return the whole frame.
     */
    public static byte[] tcp(final byte[] src, final int srcPort, final byte[] dst, final int dstPort, final int flags,
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
     * @param src     IPv4 source address as an int.
     * @param srcPort source port.
     * @param dst     IPv4 destination address as an int.
     * @param dstPort destination port.
     * @param payload UDP payload, may be empty.
     * @return an Ethernet/IPv4/UDP frame carrying {@code payload}.
     */
    public static byte[] udp(final int src, final int srcPort, final int dst, final int dstPort, final byte[] payload)
    {
        return udp(ipv4(src), srcPort, ipv4(dst), dstPort, payload);
    }

    /**
     * @param src     source address, 4 bytes (IPv4) or 16 (IPv6), network order.
     * @param srcPort source port.
     * @param dst     destination address, of the same family.
     * @param dstPort destination port.
     * @param payload UDP payload, may be empty.
     * @return an Ethernet/IP/UDP frame carrying {@code payload}.
     */
    public static byte[] udp(final byte[] src, final int srcPort, final byte[] dst, final int dstPort,
        final byte[] payload)
    {
        final ByteBuffer l4 = ByteBuffer.allocate(UDP_HEADER + payload.length).order(ByteOrder.BIG_ENDIAN);
        l4.putShort((short)srcPort).putShort((short)dstPort).putShort((short)(UDP_HEADER + payload.length))
            .putShort((short)0).put(payload);
        final byte[] datagram = l4.array();
        putChecksum(datagram, 6, src, dst, PROTO_UDP);
        return frame(src, dst, PROTO_UDP, datagram);
    }

    /**
     * An SCTP packet of one chunk: an INIT (verification tag 0, as RFC 9260 section 8.5.1 requires), an ABORT, or
     * a DATA chunk of four payload bytes for any other type.
     *
     * @param src       source address, 4 bytes (IPv4) or 16 (IPv6), network order.
     * @param srcPort   source port.
     * @param dst       destination address, of the same family.
     * @param dstPort   destination port.
     * @param chunkType {@link #SCTP_INIT}, {@link #SCTP_ABORT} or {@link #SCTP_DATA}.
     * @return the whole frame.
     */
    public static byte[] sctp(final byte[] src, final int srcPort, final byte[] dst, final int dstPort,
        final int chunkType)
    {
        final int chunkLength = chunkType == SCTP_INIT ? 20 : chunkType == SCTP_ABORT ? 4 : 20;
        final ByteBuffer l4 = ByteBuffer.allocate(SCTP_COMMON_HEADER + chunkLength).order(ByteOrder.BIG_ENDIAN);
        l4.putShort((short)srcPort).putShort((short)dstPort).putInt(chunkType == SCTP_INIT ? 0 : VERIFICATION_TAG)
            .putInt(0);                                                   // checksum, filled in below
        if (chunkType == SCTP_INIT)
        {
            // initiate tag, advertised receiver window, outbound and inbound streams, initial TSN
            l4.put((byte)SCTP_INIT).put((byte)0).putShort((short)chunkLength).putInt(VERIFICATION_TAG)
                .putInt(65_536).putShort((short)1).putShort((short)1).putInt(1);
        }
        else if (chunkType == SCTP_ABORT)
        {
            l4.put((byte)SCTP_ABORT).put((byte)0).putShort((short)chunkLength);
        }
        else
        {
            // flags B|E (one whole message): TSN, stream, stream sequence, payload protocol, 4 payload bytes
            l4.put((byte)SCTP_DATA).put((byte)0x03).putShort((short)chunkLength).putInt(1).putShort((short)0)
                .putShort((short)0).putInt(0).putInt(0);
        }
        final byte[] packet = l4.array();
        final CRC32C crc = new CRC32C();
        crc.update(packet, 0, packet.length);
        // The CRC32c goes into the header least significant byte first, as Linux's
        // sctp_compute_cksum (include/net/sctp/checksum.h: cpu_to_le32 of the final value) stores it.
        ByteBuffer.wrap(packet).order(ByteOrder.LITTLE_ENDIAN).putInt(8, (int)crc.getValue());
        return frame(src, dst, PROTO_SCTP, packet);
    }

    private static byte[] ipv4(final int address)
    {
        return ByteBuffer.allocate(4).putInt(address).array();
    }

    private static byte[] frame(final byte[] src, final byte[] dst, final int protocol, final byte[] l4)
    {
        if (src.length != dst.length || src.length != 4 && src.length != 16)
        {
            throw new IllegalArgumentException("addresses of " + src.length + " and " + dst.length + " bytes");
        }
        final boolean ipv6 = src.length == 16;
        final ByteBuffer b = ByteBuffer.allocate(ETHERNET_HEADER + (ipv6 ? IPV6_HEADER : IPV4_HEADER) + l4.length)
            .order(ByteOrder.BIG_ENDIAN);
        b.put(GATEWAY_MAC).put(CLIENT_MAC).putShort((short)(ipv6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4));
        final int ip = b.position();
        if (ipv6)
        {
            // version 6, no traffic class or flow label; payload length, next header, hop limit 64
            b.putInt(0x6000_0000).putShort((short)l4.length).put((byte)protocol).put((byte)64).put(src).put(dst);
        }
        else
        {
            b.put((byte)0x45).put((byte)0).putShort((short)(IPV4_HEADER + l4.length))
                .putShort((short)0).putShort((short)0x4000)     // identification 0, Don't Fragment
                .put((byte)64).put((byte)protocol).putShort((short)0).put(src).put(dst);
            b.putShort(ip + 10, (short)fold(sum(b.array(), ip, IPV4_HEADER, 0)));
        }
        b.put(l4);
        return b.array();
    }

    /**
     * The TCP/UDP checksum over the pseudo-header and the segment (RFC 793 section 3.1, RFC 768; for IPv6 the
     * pseudo-header of RFC 8200 section 8.1, whose 32-bit length sums the same for segments under 64 KiB).
     */
    private static void putChecksum(final byte[] segment, final int at, final byte[] src, final byte[] dst,
        final int protocol)
    {
        final long pseudo = sum(src, 0, src.length, 0) + sum(dst, 0, dst.length, 0) + protocol + segment.length;
        int checksum = fold(sum(segment, 0, segment.length, pseudo));
        if (protocol == PROTO_UDP && checksum == 0)
        {
            checksum = 0xffff;   // RFC 768: a computed zero is sent as all ones, zero meaning "no checksum"
        }
        segment[at] = (byte)(checksum >>> 8);
        segment[at + 1] = (byte)checksum;
    }

    /** The 16-bit words of {@code bytes} added to {@code initial}, without folding. */
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

    /** The ones' complement of the folded sum. */
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
