package io.vipflow.service;

/** How a packet reached a Service (docs/SEMANTICS.md §1). ClusterIP is internal traffic, the rest external. */
public enum FrontendKind
{
    CLUSTER_IP(false), EXTERNAL_IP(true), LOAD_BALANCER(true), NODE_PORT(true);

    public final boolean external;

    FrontendKind(final boolean external)
    {
        this.external = external;
    }
}
