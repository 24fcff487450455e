package io.vipflow.service;

import java.util.List;
import java.util.Objects;

/**
 * A Kubernetes Service as the classifier needs it. Immutable; built on the control plane.
 *
 * @param namespace                metadata.namespace
 * @param name                     metadata.name
 * @param type                     spec.type
 * @param clusterIps               spec.clusterIPs (empty for headless Services: no ClusterIP frontend)
 * @param externalIps              spec.externalIPs
 * @param loadBalancerIps          status.loadBalancer.ingress[].ip
 * @param loadBalancerSourceRanges spec.loadBalancerSourceRanges as CIDR strings; empty admits every source
 * @param ports                    spec.ports
 * @param affinityTimeoutSeconds   0 for sessionAffinity None; otherwise the ClientIP timeout in seconds
 * @param externalTrafficLocal     spec.externalTrafficPolicy == Local
 * @param internalTrafficLocal     spec.internalTrafficPolicy == Local
 * @param scheduler                scheduler name for this Service, or null for the classifier's default
 * @param schedulerFlags           comma-separated flags for that scheduler ({@code sh-fallback,sh-port}), or null
 */
public record ServiceSpec(
    String namespace,
    String name,
    ServiceType type,
    List<String> clusterIps,
    List<String> externalIps,
    List<String> loadBalancerIps,
    List<String> loadBalancerSourceRanges,
    List<ServicePortSpec> ports,
    int affinityTimeoutSeconds,
    boolean externalTrafficLocal,
    boolean internalTrafficLocal,
    String scheduler,
    String schedulerFlags)
{
    /** Kubernetes default for sessionAffinityConfig.clientIP.timeoutSeconds (3 hours). */
    public static final int DEFAULT_AFFINITY_TIMEOUT_SECONDS = 10800;
    /** Kubernetes upper bound for the ClientIP timeout (1 day). */
    public static final int MAX_AFFINITY_TIMEOUT_SECONDS = 86400;

    /**
     * The canonical constructor, checking and normalising the components.
     *
     * @param namespace metadata.namespace
     * @param name metadata.name
     * @param type spec.type
     * @param clusterIps spec.clusterIPs (empty for headless Services: no ClusterIP frontend)
     * @param externalIps spec.externalIPs
     * @param loadBalancerIps status.loadBalancer.ingress[].ip
     * @param loadBalancerSourceRanges spec.loadBalancerSourceRanges as CIDR strings; empty admits every source
     * @param ports spec.ports
     * @param affinityTimeoutSeconds 0 for sessionAffinity None; otherwise the ClientIP timeout in seconds
     * @param externalTrafficLocal spec.externalTrafficPolicy == Local
     * @param internalTrafficLocal spec.internalTrafficPolicy == Local
     * @param scheduler scheduler name for this Service, or null for the classifier's default
     * @param schedulerFlags comma-separated flags for that scheduler ({@code sh-fallback,sh-port}), or null
     */
    public ServiceSpec
    {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        clusterIps = List.copyOf(clusterIps);
        externalIps = List.copyOf(externalIps);
        loadBalancerIps = List.copyOf(loadBalancerIps);
        loadBalancerSourceRanges = List.copyOf(loadBalancerSourceRanges);
        ports = List.copyOf(ports);
        if (affinityTimeoutSeconds < 0 || affinityTimeoutSeconds > MAX_AFFINITY_TIMEOUT_SECONDS)
        {
            throw new IllegalArgumentException(
                "session affinity timeout " + affinityTimeoutSeconds + " out of range 0.." + MAX_AFFINITY_TIMEOUT_SECONDS);
        }
    }

    /**
     * A Service without scheduler flags.
     *
     * @param namespace metadata.namespace
     * @param name metadata.name
     * @param type spec.type
     * @param clusterIps spec.clusterIPs (empty for headless Services: no ClusterIP frontend)
     * @param externalIps spec.externalIPs
     * @param loadBalancerIps status.loadBalancer.ingress[].ip
     * @param loadBalancerSourceRanges spec.loadBalancerSourceRanges as CIDR strings; empty admits every source
     * @param ports spec.ports
     * @param affinityTimeoutSeconds 0 for sessionAffinity None; otherwise the ClientIP timeout in seconds
     * @param externalTrafficLocal spec.externalTrafficPolicy == Local
     * @param internalTrafficLocal spec.internalTrafficPolicy == Local
     * @param scheduler scheduler name for this Service, or null for the classifier's default
     */
    public ServiceSpec(final String namespace, final String name, final ServiceType type, final List<String> clusterIps,
        final List<String> externalIps, final List<String> loadBalancerIps, final List<String> loadBalancerSourceRanges,
        final List<ServicePortSpec> ports, final int affinityTimeoutSeconds, final boolean externalTrafficLocal,
        final boolean internalTrafficLocal, final String scheduler)
    {
        this(namespace, name, type, clusterIps, externalIps, loadBalancerIps, loadBalancerSourceRanges, ports,
            affinityTimeoutSeconds, externalTrafficLocal, internalTrafficLocal, scheduler, null);
    }

    /** {@return "namespace/name"} */
    public String key()
    {
        return namespace + "/" + name;
    }

    /**
     * {@return a ClusterIP Service with one port and no options, for tests and examples}
     *
     * @param namespace the Service's namespace
     * @param name      the Service's name
     * @param clusterIp the ClusterIP
     * @param ports     the ports
     */
    public static ServiceSpec clusterIp(final String namespace, final String name, final String clusterIp,
        final ServicePortSpec... ports)
    {
        return new ServiceSpec(namespace, name, ServiceType.CLUSTER_IP, List.of(clusterIp), List.of(), List.of(),
            List.of(), List.of(ports), 0, false, false, null, null);
    }

    /**
     * A NodePort Service: reachable at its ClusterIP on each port's {@code port}, and at every address of this node
     * on each port's {@code nodePort}.
     *
     * @param clusterIp the ClusterIP, or null for a NodePort Service without one.
     * @param ports     the ports, each with its node port (1..65535).
     * @param namespace the Service's namespace
     * @param name      the Service's name
     * @return the Service
     */
    public static ServiceSpec nodePort(final String namespace, final String name, final String clusterIp,
        final ServicePortSpec... ports)
    {
        return builder(namespace, name).type(ServiceType.NODE_PORT).clusterIps(ipList(clusterIp)).ports(ports)
            .build();
    }

    /**
     * {@return a LoadBalancer Service: as {@link #nodePort}, and reachable at each load-balancer ingress address}
     *
     * @param clusterIp       the ClusterIP, or null for none.
     * @param loadBalancerIps {@code status.loadBalancer.ingress[].ip}.
     * @param ports           the ports; a node port of 0 means the Service allocates none.
     * @param namespace the Service's namespace
     * @param name      the Service's name
     */
    public static ServiceSpec loadBalancer(final String namespace, final String name, final String clusterIp,
        final List<String> loadBalancerIps, final ServicePortSpec... ports)
    {
        return builder(namespace, name).type(ServiceType.LOAD_BALANCER).clusterIps(ipList(clusterIp))
            .loadBalancerIps(loadBalancerIps).ports(ports).build();
    }

    /**
     * An ExternalName Service: a DNS alias with no address of its own, so it has no frontend and the classifier
     * passes every packet (docs/SEMANTICS.md §1).
     *
     * @param namespace the Service's namespace
     * @param name      the Service's name
     * @return the Service
     */
    public static ServiceSpec externalName(final String namespace, final String name)
    {
        return builder(namespace, name).type(ServiceType.EXTERNAL_NAME).build();
    }

    /**
     * A builder for a Service with any of the optional fields (external IPs, source ranges, traffic policies,
     * affinity, scheduler). It starts as a ClusterIP Service without addresses or ports.
     *
     * @param namespace the Service's namespace
     * @param name      the Service's name
     * @return a new builder
     */
    public static ServiceSpecBuilder builder(final String namespace, final String name)
    {
        return new ServiceSpecBuilder(namespace, name);
    }

    /** {@return a builder holding this Service's fields, to derive a changed copy} */
    public ServiceSpecBuilder toBuilder()
    {
        return new ServiceSpecBuilder(this);
    }

    private static List<String> ipList(final String ip)
    {
        return ip == null ? List.of() : List.of(ip);
    }

    /**
     * This Service with another session affinity.
     *
     * @param timeoutSeconds the ClientIP affinity timeout in seconds, 0 for none
     * @return this Service with that affinity
     */
    public ServiceSpec withAffinity(final int timeoutSeconds)
    {
        return new ServiceSpec(namespace, name, type, clusterIps, externalIps, loadBalancerIps,
            loadBalancerSourceRanges, ports, timeoutSeconds, externalTrafficLocal, internalTrafficLocal, scheduler,
            schedulerFlags);
    }

    /**
     * This Service with another scheduler.
     *
     * @param schedulerName the scheduler, or null for the classifier's default
     * @return this Service with that scheduler and its flags as they were
     */
    public ServiceSpec withScheduler(final String schedulerName)
    {
        return new ServiceSpec(namespace, name, type, clusterIps, externalIps, loadBalancerIps,
            loadBalancerSourceRanges, ports, affinityTimeoutSeconds, externalTrafficLocal, internalTrafficLocal,
            schedulerName, schedulerFlags);
    }

    /**
     * {@return this Service with a scheduler and its flags (null for none)}
     *
     * @param schedulerName the scheduler, or null for the classifier's default
     * @param flags         comma-separated scheduler flags, or null
     */
    public ServiceSpec withScheduler(final String schedulerName, final String flags)
    {
        return new ServiceSpec(namespace, name, type, clusterIps, externalIps, loadBalancerIps,
            loadBalancerSourceRanges, ports, affinityTimeoutSeconds, externalTrafficLocal, internalTrafficLocal,
            schedulerName, flags);
    }

    /**
     * This Service with other traffic policies.
     *
     * @param externalLocal {@code externalTrafficPolicy: Local} when true
     * @param internalLocal {@code internalTrafficPolicy: Local} when true
     * @return this Service with those policies
     */
    public ServiceSpec withTrafficPolicies(final boolean externalLocal, final boolean internalLocal)
    {
        return new ServiceSpec(namespace, name, type, clusterIps, externalIps, loadBalancerIps,
            loadBalancerSourceRanges, ports, affinityTimeoutSeconds, externalLocal, internalLocal, scheduler,
            schedulerFlags);
    }
}
