package io.vipflow;

/** Why a packet got its verdict; {@link #label} is the spelling used in decision logs. */
public enum Reason
{
    /** No reason: a DNAT, a REPLY, or a PASS of a packet that matched no frontend. */
    NONE(""),
    /** Truncated or inconsistent headers. */
    MALFORMED("malformed"),
    /** The frame's link type is not one the parser knows. */
    UNSUPPORTED_LINK("unsupported-link"),
    /** The Service has no usable endpoint at all (docs/SEMANTICS.md §2 rule 4): REJECT. */
    NO_ENDPOINTS("no-endpoints"),
    /** Local traffic policy with endpoints elsewhere but none on this node (§2 rule 5): DROP. */
    NO_LOCAL_ENDPOINTS("no-local-endpoints"),
    /**
     * Endpoints may take the new flow, but the Service port's scheduler found no destination for it (a quiesced
     * {@code sh}/{@code dh}/{@code mh} bucket without fallback, every destination over its limit under
     * {@code ovf}): REJECT, as IPVS {@code ip_vs_leave} answers "no destination available" with ICMP port
     * unreachable.
     */
    NO_DESTINATION("no-destination"),
    /** Source outside the load balancer's {@code loadBalancerSourceRanges} (§1): DROP. */
    SOURCE_RANGE("source-range"),
    /** The flow's backend left the EndpointSlices; IPVS {@code expire_nodest_conn} drops the packet (§4). */
    BACKEND_REMOVED("backend-removed"),
    /** A packet in the middle of a flow with no entry, under a mid-flow policy that does not schedule it. */
    NO_CONNECTION("no-connection"),
    /** The connection table had no room: every way of the flow's bucket holds an established flow. */
    TABLE_FULL("table-full"),
    /** Over the new-flow admission limit (a SYN flood guard). */
    RATE_LIMITED("rate-limited"),
    /**
     * To an address inside a Service CIDR that no Service holds: DROP, as kube-proxy's nftables
     * {@code cluster-ips-check} chain does ("Drop traffic to unallocated ClusterIPs").
     */
    UNALLOCATED_CLUSTER_IP("unallocated-cluster-ip"),
    /**
     * To an active ClusterIP on a port or protocol none of its Services serves: REJECT, as kube-proxy's nftables
     * {@code cluster-ips-check} chain ("Reject traffic to invalid ports of ClusterIPs") and the IPVS mode's
     * {@code KUBE-IPVS-FILTER} chain do; the iptables mode has no such rule (the packet passes).
     */
    UNSERVED_PORT("unserved-port");

    /** The reason as decision logs spell it ({@code no-endpoints}); empty for {@link #NONE}. */
    public final String label;

    Reason(final String label)
    {
        this.label = label;
    }
}
