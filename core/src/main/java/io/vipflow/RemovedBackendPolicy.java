package io.vipflow;

/**
 * What happens to a TCP flow or SCTP association whose backend has left the EndpointSlices
 * (docs/SEMANTICS.md §4), when its next packet is not a SYN or INIT. In both cases the removed backend never
 * receives another packet. UDP flows are always treated as if their entry had been purged: the packet is scheduled
 * afresh (stale UDP entries are the classic Kubernetes bug).
 */
public enum RemovedBackendPolicy
{
    /**
     * IPVS with {@code expire_nodest_conn=1}, kube-proxy's setting: the entry is expired and this packet is
     * dropped; the client's retransmission is then handled by the {@link MidFlowPolicy}. The default.
     */
    DROP,
    /** Pick a new backend at once for this packet and keep the flow on it. */
    RESCHEDULE
}
