package io.vipflow.conntrack;

import io.vipflow.internal.FlowHash;
import io.vipflow.packet.PacketTuple;

/**
 * The key of a connection-table entry, with its hash computed once. Mutable and reused: one per thread.
 */
public final class FlowKey
{
    /** IP protocol number, with the address family in bit 8 ({@link #familyProtocol}). */
    public int protocol;
    /** Client address, high 64 bits. */
    public long srcHi;
    /** Client address, low 64 bits. */
    public long srcLo;
    /** Client port. */
    public int srcPort;
    /** Frontend address, high 64 bits. */
    public long dstHi;
    /** Frontend address, low 64 bits. */
    public long dstLo;
    /** Frontend port. */
    public int dstPort;
    /**
     * The flow's hash, of the fields above: fixed (no per-process seed), so that every balancer of a fleet maps a
     * flow alike and a persisted table finds its flows after a restart; kept in step by {@link #set}.
     */
    public long hash;

    /**
     * Sets every field and the hash.
     *
     * @param protocol the key's protocol field ({@link #familyProtocol})
     * @param srcHi    client address, high 64 bits
     * @param srcLo    client address, low 64 bits
     * @param srcPort  client port
     * @param dstHi    frontend address, high 64 bits
     * @param dstLo    frontend address, low 64 bits
     * @param dstPort  frontend port
     * @return this
     */
    public FlowKey set(final int protocol, final long srcHi, final long srcLo, final int srcPort, final long dstHi,
        final long dstLo, final int dstPort)
    {
        this.protocol = protocol;
        this.srcHi = srcHi;
        this.srcLo = srcLo;
        this.srcPort = srcPort;
        this.dstHi = dstHi;
        this.dstLo = dstLo;
        this.dstPort = dstPort;
        this.hash = FlowHash.hash(protocol, srcHi, srcLo, srcPort, dstHi, dstLo, dstPort);
        return this;
    }

    /**
     * {@return the client-to-frontend key of a packet}
     *
     * @param t the packet
     */
    public FlowKey setFrom(final PacketTuple t)
    {
        return set(familyProtocol(t.protocol, t.ipv6), t.srcHi, t.srcLo, t.srcPort, t.dstHi, t.dstLo, t.dstPort);
    }

    /**
     * The protocol field of a key: the IP protocol number with the address family in bit 8, so that an IPv4
     * flow and an IPv6 flow between IPv4-mapped addresses of the same value never share an entry.
     *
     * @param protocol the IP protocol number
     * @param ipv6     the address family
     * @return the protocol field
     */
    public static int familyProtocol(final int protocol, final boolean ipv6)
    {
        return (protocol & 0xFF) | (ipv6 ? 0x100 : 0);
    }

    /**
     * {@return the IP protocol number of a key's protocol field}
     *
     * @param keyProtocol a key's protocol field
     */
    public static int ipProtocol(final int keyProtocol)
    {
        return keyProtocol & 0xFF;
    }

    /**
     * {@return true when a key's protocol field says IPv6}
     *
     * @param keyProtocol a key's protocol field
     */
    public static boolean isIpv6(final int keyProtocol)
    {
        return (keyProtocol & 0x100) != 0;
    }

    /**
     * Compares two keys field by field.
     *
     * @param o another key
     * @return true when every field but the hash is equal
     */
    public boolean sameKey(final FlowKey o)
    {
        return protocol == o.protocol && srcHi == o.srcHi && srcLo == o.srcLo && srcPort == o.srcPort &&
            dstHi == o.dstHi && dstLo == o.dstLo && dstPort == o.dstPort;
    }
}
