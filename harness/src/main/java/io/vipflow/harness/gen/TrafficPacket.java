package io.vipflow.harness.gen;

import io.vipflow.packet.PacketTuple;

/**
 * One generated packet as a value, for tests and property checks (the replay path uses {@link PacketTuple} and
 * {@link PacketMeta} instead, which are reused).
 * <p>
 * Thread contract: immutable.
 */
public record TrafficPacket(long timeNanos, int flowId, FlowKind kind, boolean first, boolean last, int protocol,
    boolean ipv6, long srcHi, long srcLo, int srcPort, long dstHi, long dstLo, int dstPort, int flags)
{
    static TrafficPacket of(final PacketTuple t, final PacketMeta m)
    {
        return new TrafficPacket(m.timeNanos, m.flowId, m.kind, m.first, m.last, t.protocol, t.ipv6, t.srcHi,
            t.srcLo, t.srcPort, t.dstHi, t.dstLo, t.dstPort, t.flags);
    }

    /** Writes this packet's header fields into {@code t}. */
    public PacketTuple toTuple(final PacketTuple t)
    {
        return t.set(protocol, ipv6, srcHi, srcLo, srcPort, dstHi, dstLo, dstPort, flags);
    }

    public boolean hasFlag(final int flag)
    {
        return (flags & flag) != 0;
    }

    @Override
    public String toString()
    {
        return timeNanos + " ns flow " + flowId + " " + kind + " " + toTuple(new PacketTuple());
    }
}
