package io.vipflow.service;

/** How a packet reached a Service (docs/SEMANTICS.md §1). ClusterIP is internal traffic, the rest external. */
public enum FrontendKind
{
    /** A ClusterIP ({@code spec.clusterIPs}). */
    CLUSTER_IP(false),
    /** An external IP ({@code spec.externalIPs}). */
    EXTERNAL_IP(true),
    /** A load-balancer ingress address ({@code status.loadBalancer.ingress[].ip}). */
    LOAD_BALANCER(true),
    /** A node port on one of this node's addresses. */
    NODE_PORT(true);

    /** Whether traffic through this kind of frontend is external (follows {@code externalTrafficPolicy}). */
    public final boolean external;

    FrontendKind(final boolean external)
    {
        this.external = external;
    }
}
