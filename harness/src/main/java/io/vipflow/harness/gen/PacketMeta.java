package io.vipflow.harness.gen;

/**
 * What the {@link TrafficGenerator} knows about a packet beyond its header fields. Mutable and reused: filled by
 * {@link TrafficGenerator#next} for every packet.
 * <p>
 * Thread contract: owned by one thread at a time.
 */
public final class PacketMeta
{
    /** Simulated time, nanoseconds since the start of the run. */
    public long timeNanos;
    /** Flow number, from 0 in order of the flows' first packets. */
    public int flowId;
    public FlowKind kind;
    /** The flow's first packet. */
    public boolean first;
    /** The flow's last packet. */
    public boolean last;

    public void copyFrom(final PacketMeta o)
    {
        timeNanos = o.timeNanos;
        flowId = o.flowId;
        kind = o.kind;
        first = o.first;
        last = o.last;
    }
}
