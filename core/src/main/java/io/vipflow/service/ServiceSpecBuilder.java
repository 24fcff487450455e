package io.vipflow.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds a {@link ServiceSpec} field by field, for Services with optional fields set, so that callers need not
 * use the record's full constructor. Start with {@link ServiceSpec#builder} or {@link ServiceSpec#toBuilder};
 * {@link #build} validates as the record does.
 * <p>
 * Thread contract: not thread-safe; one control-plane thread builds a Service, then shares the immutable result.
 */
public final class ServiceSpecBuilder
{
    private final String namespace;
    private final String name;
    private ServiceType type = ServiceType.CLUSTER_IP;
    private List<String> clusterIps = List.of();
    private List<String> externalIps = List.of();
    private List<String> loadBalancerIps = List.of();
    private List<String> loadBalancerSourceRanges = List.of();
    private final List<ServicePortSpec> ports = new ArrayList<>();
    private int affinityTimeoutSeconds;
    private boolean externalTrafficLocal;
    private boolean internalTrafficLocal;
    private String scheduler;
    private String schedulerFlags;

    ServiceSpecBuilder(final String namespace, final String name)
    {
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.name = Objects.requireNonNull(name, "name");
    }

    ServiceSpecBuilder(final ServiceSpec s)
    {
        this(s.namespace(), s.name());
        type = s.type();
        clusterIps = s.clusterIps();
        externalIps = s.externalIps();
        loadBalancerIps = s.loadBalancerIps();
        loadBalancerSourceRanges = s.loadBalancerSourceRanges();
        ports.addAll(s.ports());
        affinityTimeoutSeconds = s.affinityTimeoutSeconds();
        externalTrafficLocal = s.externalTrafficLocal();
        internalTrafficLocal = s.internalTrafficLocal();
        scheduler = s.scheduler();
        schedulerFlags = s.schedulerFlags();
    }

    /**
     * Sets {@code spec.type}; ClusterIP unless set.
     *
     * @param t the type
     * @return this builder
     */
    public ServiceSpecBuilder type(final ServiceType t)
    {
        type = Objects.requireNonNull(t, "type");
        return this;
    }

    /**
     * Sets {@code spec.clusterIPs}: at most one address per family; none for a headless Service.
     *
     * @param ips the addresses
     * @return this builder
     */
    public ServiceSpecBuilder clusterIps(final List<String> ips)
    {
        clusterIps = List.copyOf(ips);
        return this;
    }

    /**
     * Sets {@code spec.clusterIPs} as one address or an IPv4 and an IPv6 address.
     *
     * @param ips the addresses
     * @return this builder
     */
    public ServiceSpecBuilder clusterIps(final String... ips)
    {
        return clusterIps(List.of(ips));
    }

    /**
     * Sets {@code spec.externalIPs}.
     *
     * @param ips the addresses
     * @return this builder
     */
    public ServiceSpecBuilder externalIps(final List<String> ips)
    {
        externalIps = List.copyOf(ips);
        return this;
    }

    /**
     * Sets {@code status.loadBalancer.ingress[].ip}.
     *
     * @param ips the addresses
     * @return this builder
     */
    public ServiceSpecBuilder loadBalancerIps(final List<String> ips)
    {
        loadBalancerIps = List.copyOf(ips);
        return this;
    }

    /**
     * Sets {@code spec.loadBalancerSourceRanges} as CIDRs; empty (the default) admits every source.
     *
     * @param cidrs the CIDRs
     * @return this builder
     */
    public ServiceSpecBuilder loadBalancerSourceRanges(final List<String> cidrs)
    {
        loadBalancerSourceRanges = List.copyOf(cidrs);
        return this;
    }

    /**
     * Adds ports to {@code spec.ports}.
     *
     * @param more the ports to add
     * @return this builder
     */
    public ServiceSpecBuilder ports(final ServicePortSpec... more)
    {
        ports.addAll(List.of(more));
        return this;
    }

    /**
     * Sets {@code sessionAffinity: ClientIP} with the given timeout; 0 for {@code None} (the default).
     *
     * @param timeoutSeconds the affinity timeout in seconds, 1..86400, or 0
     * @return this builder
     */
    public ServiceSpecBuilder clientIpAffinity(final int timeoutSeconds)
    {
        affinityTimeoutSeconds = timeoutSeconds;
        return this;
    }

    /**
     * Sets {@code externalTrafficPolicy: Local} when true; Cluster (the default) when false.
     *
     * @param local true for Local
     * @return this builder
     */
    public ServiceSpecBuilder externalTrafficLocal(final boolean local)
    {
        externalTrafficLocal = local;
        return this;
    }

    /**
     * Sets {@code internalTrafficPolicy: Local} when true; Cluster (the default) when false.
     *
     * @param local true for Local
     * @return this builder
     */
    public ServiceSpecBuilder internalTrafficLocal(final boolean local)
    {
        internalTrafficLocal = local;
        return this;
    }

    /**
     * Sets the scheduler of this Service.
     *
     * @param schedulerName the scheduler for this Service, null for the classifier's default.
     * @param flags         comma-separated scheduler flags, null for none.
     * @return this builder
     */
    public ServiceSpecBuilder scheduler(final String schedulerName, final String flags)
    {
        scheduler = schedulerName;
        schedulerFlags = flags;
        return this;
    }

    /**
     * Builds the Service.
     *
     * @return the Service.
     * @throws IllegalArgumentException when a field is out of range (as the record's constructor checks).
     */
    public ServiceSpec build()
    {
        return new ServiceSpec(namespace, name, type, clusterIps, externalIps, loadBalancerIps,
            loadBalancerSourceRanges, ports, affinityTimeoutSeconds, externalTrafficLocal, internalTrafficLocal,
            scheduler, schedulerFlags);
    }
}
