package io.vipflow.service;

/** Kubernetes {@code spec.type}. ExternalName Services have no frontends here. */
public enum ServiceType
{
    CLUSTER_IP, NODE_PORT, LOAD_BALANCER, EXTERNAL_NAME;

    public boolean hasNodePorts()
    {
        return this == NODE_PORT || this == LOAD_BALANCER;
    }
}
