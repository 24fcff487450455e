package io.vipflow.testkit.oracle;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@link ReferenceModel#commit} applies for the expectation last returned: the changes to the connection
 * entries and affinity records that the decision implies, filled in while the packet is decided, and the decision
 * paths it took.
 * <p>
 * Single-threaded: made and read by one {@link ReferenceModel}.
 */
final class PacketPlan
{
    String flowKey;
    String client;
    boolean deleteEntry;
    ConnectionRecords.Conn updatedEntry;
    String newFlowPortKey;
    int newFlowState;
    long newFlowExpiry;
    boolean rememberAffinity;
    long affinityExpiry;
    List<ReplyLookup.Match> replies = List.of();
    final List<String> paths = new ArrayList<>();
    final long nowNanos;
    /** Decide as if the table had evicted what it may evict: the flow's entry unless ESTABLISHED, affinity. */
    final boolean afterEviction;
    /** The flow entry's state before this packet, for {@link #updatedEntry}. */
    int previousState;
    /** The flow had an entry that may not go on (closed, quiesced or removed backend): it is scheduled afresh. */
    boolean rescheduled;

    PacketPlan(final long nowNanos, final boolean afterEviction)
    {
        this.nowNanos = nowNanos;
        this.afterEviction = afterEviction;
    }
}
