package io.vipflow;

import io.vipflow.packet.PacketTuple;

/**
 * What happens to a TCP flow or SCTP association whose backend has left the EndpointSlices
 * (docs/SEMANTICS.md §4), when its next packet is not a SYN or INIT. A SYN or INIT on such an entry is always
 * scheduled afresh, and UDP flows are always treated as if their entry had been purged (the packet is scheduled
 * afresh): kube-proxy flushes the UDP conntrack entries of endpoints that stopped serving in every mode
 * ({@code pkg/proxy/conntrack/cleanup.go} {@code CleanStaleEntries}), and IPVS deletes a UDP destination at once.
 * A removed backend never receives a new flow under any policy.
 */
public enum RemovedBackendPolicy
{
    /**
     * IPVS with {@code expire_nodest_conn=1}, kube-proxy's setting, once the destination is really deleted: the entry
     * is expired and this packet is dropped; the client's retransmission is then handled by the
     * {@link MidFlowPolicy}. The default in every proxy mode: the pod is gone, so nothing would answer.
     */
    DROP,
    /** Pick a new backend at once for this packet and keep the flow on it. */
    RESCHEDULE,
    /**
     * kube-proxy's nftables and iptables modes: the flow's conntrack entry keeps translating to the removed endpoint
     * until it expires; only UDP entries are flushed ({@code CleanStaleEntries} skips every entry that is not UDP).
     * TCP and SCTP flows go on to their backend until their entry times out or closes.
     */
    KEEP,
    /**
     * kube-proxy's IPVS mode: a removed endpoint's destination is deleted gracefully
     * ({@code pkg/proxy/ipvs/graceful_termination.go} {@code GracefulDeleteRS}): a TCP destination stays at weight 0
     * while its active or inactive count is not zero, so its connections go on; UDP and SCTP destinations are deleted
     * at once ({@code pkg/proxy/ipvs/util/ipvs.go} {@code IsRsGracefulTerminationNeeded}), after which
     * {@code expire_nodest_conn} drops the next packet. So TCP flows go on as under {@link #KEEP}, SCTP ones are
     * dropped as under {@link #DROP}.
     */
    DRAIN;

    /** True when a packet that does not open a flow goes on to its removed backend under this policy. */
    boolean keeps(final int protocol)
    {
        return this == KEEP || (this == DRAIN && protocol == PacketTuple.PROTO_TCP);
    }
}
