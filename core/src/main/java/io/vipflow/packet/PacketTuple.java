package io.vipflow.packet;

/**
 * The fields of one packet that classification needs: protocol, addresses, ports and TCP flags.
 * <p>
 * Addresses are 128-bit values held as two longs ({@code hi}, {@code lo}); an IPv4 address is stored in its
 * IPv4-mapped IPv6 form {@code ::ffff:a.b.c.d} (see {@link Addresses}), so every table keys on one shape.
 * <p>
 * Thread contract: a tuple is owned by one thread at a time. It is mutable and meant to be reused for every
 * packet; nothing in it is shared.
 */
public final class PacketTuple
{
    /** IANA protocol numbers the classifier handles. */
    public static final int PROTO_TCP = 6;
    /** UDP. */
    public static final int PROTO_UDP = 17;
    /** SCTP. */
    public static final int PROTO_SCTP = 132;

    /** TCP flag bits as they appear in the TCP header's flags byte. */
    public static final int TCP_FIN = 0x01;
    /** SYN. */
    public static final int TCP_SYN = 0x02;
    /** RST. */
    public static final int TCP_RST = 0x04;
    /** PSH. */
    public static final int TCP_PSH = 0x08;
    /** ACK. */
    public static final int TCP_ACK = 0x10;

    /** SCTP: the first chunk is INIT (the SCTP counterpart of a SYN). */
    public static final int SCTP_INIT = 0x100;
    /** SCTP: the first chunk is ABORT. */
    public static final int SCTP_ABORT = 0x200;

    /** IP protocol number (6, 17, 132 or any other). */
    public int protocol;
    /** True for an IPv6 packet, false for IPv4. */
    public boolean ipv6;
    /** Source address, high 64 bits (IPv4 addresses are IPv4-mapped). */
    public long srcHi;
    /** Source address, low 64 bits. */
    public long srcLo;
    /** Destination address, high 64 bits. */
    public long dstHi;
    /** Destination address, low 64 bits. */
    public long dstLo;
    /** Source port, 0..65535 (0 for protocols without ports). */
    public int srcPort;
    /** Destination port, 0..65535 (0 for protocols without ports). */
    public int dstPort;
    /** TCP flags byte for TCP; {@link #SCTP_INIT} / {@link #SCTP_ABORT} for SCTP; 0 otherwise. */
    public int flags;

    /**
     * Sets an IPv4 tuple; addresses are the 32-bit big-endian values as ints.
     *
     * @param protocol the IP protocol number
     * @param src      the source address
     * @param srcPort  the source port
     * @param dst      the destination address
     * @param dstPort  the destination port
     * @param flags    see {@link #flags}
     * @return this
     */
    public PacketTuple setIpv4(final int protocol, final int src, final int srcPort, final int dst, final int dstPort,
        final int flags)
    {
        this.protocol = protocol;
        this.ipv6 = false;
        this.srcHi = 0;
        this.srcLo = Addresses.ipv4Lo(src);
        this.dstHi = 0;
        this.dstLo = Addresses.ipv4Lo(dst);
        this.srcPort = srcPort;
        this.dstPort = dstPort;
        this.flags = flags;
        return this;
    }

    /**
     * Sets a tuple from 128-bit addresses; {@code ipv6} tells the family.
     *
     * @param protocol the IP protocol number
     * @param ipv6     true for IPv6
     * @param srcHi    source address, high 64 bits
     * @param srcLo    source address, low 64 bits
     * @param srcPort  the source port
     * @param dstHi    destination address, high 64 bits
     * @param dstLo    destination address, low 64 bits
     * @param dstPort  the destination port
     * @param flags    see {@link #flags}
     * @return this
     */
    public PacketTuple set(final int protocol, final boolean ipv6, final long srcHi, final long srcLo,
        final int srcPort, final long dstHi, final long dstLo, final int dstPort, final int flags)
    {
        this.protocol = protocol;
        this.ipv6 = ipv6;
        this.srcHi = srcHi;
        this.srcLo = srcLo;
        this.dstHi = dstHi;
        this.dstLo = dstLo;
        this.srcPort = srcPort;
        this.dstPort = dstPort;
        this.flags = flags;
        return this;
    }

    /**
     * Copies every field of another tuple.
     *
     * @param o the tuple to copy
     * @return this
     */
    public PacketTuple copyFrom(final PacketTuple o)
    {
        return set(o.protocol, o.ipv6, o.srcHi, o.srcLo, o.srcPort, o.dstHi, o.dstLo, o.dstPort, o.flags);
    }

    /**
     * @param flag a flag bit ({@link #TCP_SYN}, {@link #SCTP_INIT}, ...)
     * @return true when {@link #flags} has it
     */
    public boolean hasFlag(final int flag)
    {
        return (flags & flag) != 0;
    }

    /** {@return protocol name as the decision schema prints it: TCP, UDP, SCTP or OTHER} */
    public String protocolName()
    {
        switch (protocol)
        {
            case PROTO_TCP: return "TCP";
            case PROTO_UDP: return "UDP";
            case PROTO_SCTP: return "SCTP";
            default: return "OTHER";
        }
    }

    /** Allocates; for logs and tests, never the data path. */
    @Override
    public String toString()
    {
        return protocolName() + " " + Addresses.formatSocket(ipv6, srcHi, srcLo, srcPort) + " -> " +
            Addresses.formatSocket(ipv6, dstHi, dstLo, dstPort) + " flags=0x" + Integer.toHexString(flags);
    }
}
