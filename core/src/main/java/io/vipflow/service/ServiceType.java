package io.vipflow.service;

/** Kubernetes {@code spec.type}. ExternalName Services have no frontends here. */
public enum ServiceType
{
    /** {@code ClusterIP}: reachable at its ClusterIPs (and external IPs). */
    CLUSTER_IP,
    /** {@code NodePort}: as ClusterIP, and at a node port on every node address. */
    NODE_PORT,
    /** {@code LoadBalancer}: as NodePort, and at its load-balancer ingress addresses. */
    LOAD_BALANCER,
    /** {@code ExternalName}: a DNS alias without addresses; no frontend. */
    EXTERNAL_NAME;

    /** {@return whether Services of this type allocate node ports (NodePort and LoadBalancer)} */
    public boolean hasNodePorts()
    {
        return this == NODE_PORT || this == LOAD_BALANCER;
    }
}
