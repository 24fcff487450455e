package io.vipflow.harness.gen;

import java.util.List;
import java.util.Objects;

/**
 * A Service and the Deployment behind it, as a scenario declares them.
 * <p>
 * Thread contract: immutable.
 *
 * @param namespace                metadata.namespace.
 * @param name                     Service and Deployment name.
 * @param replicas                 desired pods, ≥ 0.
 * @param ports                    Service ports, at least one.
 * @param ipv4                     the Service has an IPv4 ClusterIP and an IPv4 EndpointSlice.
 * @param ipv6                     the Service has an IPv6 ClusterIP and an IPv6 EndpointSlice (both: dual stack).
 * @param readinessSeconds         from pod start to ready, seconds (each pod draws ±20 % around it).
 * @param terminationGraceSeconds  how long a deleted pod stays listed as serving-and-terminating, seconds.
 * @param affinitySeconds          ClientIP session affinity timeout in seconds, 0 for none.
 * @param trafficDistribution      {@code spec.trafficDistribution} ({@code PreferClose}, {@code PreferSameZone},
 *                                 {@code PreferSameNode}), or null: the hints the EndpointSlice controller writes.
 */
public record ServiceShape(
    String namespace,
    String name,
    int replicas,
    List<PortShape> ports,
    boolean ipv4,
    boolean ipv6,
    double readinessSeconds,
    double terminationGraceSeconds,
    int affinitySeconds,
    String trafficDistribution)
{
    /** The values of {@code spec.trafficDistribution} the API accepts. */
    public static final List<String> TRAFFIC_DISTRIBUTIONS = List.of("PreferClose", "PreferSameZone", "PreferSameNode");

    /** A Service without a traffic distribution. */
    public ServiceShape(final String namespace, final String name, final int replicas, final List<PortShape> ports,
        final boolean ipv4, final boolean ipv6, final double readinessSeconds, final double terminationGraceSeconds,
        final int affinitySeconds)
    {
        this(namespace, name, replicas, ports, ipv4, ipv6, readinessSeconds, terminationGraceSeconds, affinitySeconds,
            null);
    }

    public ServiceShape
    {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        ports = List.copyOf(ports);
        if (replicas < 0)
        {
            throw new IllegalArgumentException("replicas " + replicas + " < 0 for " + name);
        }
        if (ports.isEmpty())
        {
            throw new IllegalArgumentException("Service " + name + " has no ports");
        }
        if (!ipv4 && !ipv6)
        {
            throw new IllegalArgumentException("Service " + name + " has no address family");
        }
        if (trafficDistribution != null && !TRAFFIC_DISTRIBUTIONS.contains(trafficDistribution))
        {
            throw new IllegalArgumentException("trafficDistribution '" + trafficDistribution + "' of " + name +
                " is not one of " + TRAFFIC_DISTRIBUTIONS);
        }
        if (!(readinessSeconds >= 0) || !(terminationGraceSeconds >= 0))
        {
            throw new IllegalArgumentException("negative readiness or grace period for " + name);
        }
    }

    /** "namespace/name". */
    public String key()
    {
        return namespace + "/" + name;
    }
}
