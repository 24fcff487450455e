package io.vipflow.testkit.oracle;

import io.vipflow.service.EndpointPortSpec;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.EndpointSpec;
import io.vipflow.service.NodeNetwork;
import io.vipflow.service.Protocol;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;
import io.vipflow.service.ServiceType;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Random Services and EndpointSlices drawn from small pools, so that frontends collide, addresses come back
 * after removal and every condition mix turns up. Everything is derived from one {@link Random}.
 */
final class RandomCluster
{
    static final String NODE = "node-a";
    static final List<String> NODE_IPS = List.of("192.168.0.10", "fd00::10");
    /**
     * Outside clients; the node itself; pods (10.244.0.0/16), one of them an endpoint address (hairpin);
     * 198.51.100.1, a load-balancer IP, the source of a node reaching its own VIP.
     */
    static final List<String> V4_CLIENTS = List.of("10.1.0.5", "10.1.0.6", "172.16.0.7", "172.16.0.2",
        "198.51.100.1", "192.168.0.10", "10.244.0.3", "10.244.7.9");
    static final List<String> V6_CLIENTS = List.of("fd01::5", "fd02::7", "fd00::10", "fd00:244::2");
    private static final List<String> ZONES = List.of("zone-a", "zone-b", "zone-c");
    /** 192.168.0.0/24 holds the node's primary address, so it admits the Service's load-balancer IPs as sources. */
    private static final List<String> RANGES = List.of("10.1.0.0/16", "172.16.0.0/30", "fd01::/16", "10.1.0.6/32",
        "192.168.0.0/24");
    private static final List<ServicePortSpec> PORT_SHAPES = List.of(
        new ServicePortSpec("http", 80, Protocol.TCP, 0),
        new ServicePortSpec("https", 443, Protocol.TCP, 0),
        new ServicePortSpec("dns", 53, Protocol.UDP, 0),
        new ServicePortSpec("dns-tcp", 53, Protocol.TCP, 0),
        new ServicePortSpec("assoc", 9, Protocol.SCTP, 0),
        new ServicePortSpec("stream", 5000, Protocol.UDP, 0));

    private final Random random;

    RandomCluster(final Random random)
    {
        this.random = random;
    }

    boolean chance(final double p)
    {
        return random.nextDouble() < p;
    }

    <T> T pick(final List<T> from)
    {
        return from.get(random.nextInt(from.size()));
    }

    int nextInt(final int bound)
    {
        return random.nextInt(bound);
    }

    /**
     * An IPv6 address {@code prefix + n} ({@code prefix} ends in "::"), sometimes spelled out in full or in
     * upper case: the classifier and the model must agree on canonical names.
     */
    private String v6(final String prefix, final int n)
    {
        if (!chance(0.2))
        {
            return prefix + n;
        }
        final String head = prefix.substring(0, prefix.length() - 2);
        final String full = head + ":0".repeat(7 - head.split(":").length) + ":" + n;
        return chance(0.5) ? full : full.toUpperCase();
    }

    String endpointAddress(final boolean ipv6)
    {
        final int n = 1 + random.nextInt(8);
        return ipv6 ? v6("fd00:244::", n) : "10.244.0." + n;
    }

    ServiceSpec service(final String namespace, final String name)
    {
        final double t = random.nextDouble();
        final ServiceType type = t < 0.03 ? ServiceType.EXTERNAL_NAME : t < 0.45 ? ServiceType.CLUSTER_IP :
            t < 0.7 ? ServiceType.NODE_PORT : ServiceType.LOAD_BALANCER;
        final double f = random.nextDouble();
        final boolean v4 = f < 0.8;
        final boolean v6 = f >= 0.45;
        final List<String> clusterIps = new ArrayList<>();
        if (!chance(0.06))
        {
            if (v4)
            {
                clusterIps.add("10.96.0." + (1 + random.nextInt(6)));
            }
            if (v6)
            {
                clusterIps.add(v6("fd00:96::", 1 + random.nextInt(6)));
            }
        }
        final List<String> externalIps = new ArrayList<>();
        if (chance(0.25))
        {
            // Sometimes from the clusterIP pool: an externalIP may collide with a clusterIP (kind conflicts).
            final boolean fromClusterPool = chance(0.2);
            externalIps.add(v4 && (!v6 || chance(0.5)) ?
                (fromClusterPool ? "10.96.0." : "203.0.113.") + (1 + random.nextInt(2)) :
                v6(fromClusterPool ? "fd00:96::" : "2001:db8:e::", 1 + random.nextInt(2)));
        }
        final List<String> lbIps = new ArrayList<>();
        final List<String> ranges = new ArrayList<>();
        if (type == ServiceType.LOAD_BALANCER && !chance(0.1))
        {
            if (v4)
            {
                lbIps.add("198.51.100." + (1 + random.nextInt(2)));
            }
            if (v6)
            {
                lbIps.add(v6("2001:db8:b::", 1 + random.nextInt(2)));
            }
            if (chance(0.5))
            {
                for (final String r : RANGES)
                {
                    if (chance(0.4))
                    {
                        ranges.add(r);
                    }
                }
                if (ranges.isEmpty())
                {
                    ranges.add(pick(RANGES));
                }
            }
        }
        final List<ServicePortSpec> ports = new ArrayList<>();
        final List<ServicePortSpec> shapes = new ArrayList<>(PORT_SHAPES);
        final int portCount = 1 + random.nextInt(2);
        for (int i = 0; i < portCount; i++)
        {
            final ServicePortSpec shape = shapes.remove(random.nextInt(shapes.size()));
            final String portName = chance(0.3) ? "" : shape.name();
            final boolean wantsNodePort = type.hasNodePorts() || chance(0.05);
            final int nodePort = wantsNodePort && !chance(0.1) ? 30000 + random.nextInt(4) : 0;
            ports.add(new ServicePortSpec(portName, shape.port(), shape.protocol(), nodePort));
        }
        final int affinity = chance(0.35) ? 1 + random.nextInt(4) : 0;
        final String scheduler = chance(0.1) ? pick(List.of("rr", "random", "maglev")) : null;
        return new ServiceSpec(namespace, name, type, clusterIps, externalIps, lbIps, ranges, ports, affinity,
            chance(0.3), chance(0.15), scheduler);
    }

    /** A variation of a Service: one field changed, or a new spec (same ports) under the same name. */
    ServiceSpec mutate(final ServiceSpec s)
    {
        switch (random.nextInt(5))
        {
            case 0:
                return s.withAffinity(s.affinityTimeoutSeconds() > 0 ? 0 : 1 + random.nextInt(4));
            case 1:
                return s.withTrafficPolicies(chance(0.5), chance(0.3));
            case 2:
                return new ServiceSpec(s.namespace(), s.name(), s.type(), s.clusterIps(), s.externalIps(),
                    s.loadBalancerIps(), s.loadBalancerSourceRanges().isEmpty() ? List.of(pick(RANGES)) : List.of(),
                    s.ports(), s.affinityTimeoutSeconds(), s.externalTrafficLocal(), s.internalTrafficLocal(),
                    s.scheduler());
            case 3:
                return new ServiceSpec(s.namespace(), s.name(), pick(List.of(ServiceType.values())), s.clusterIps(),
                    s.externalIps(), s.loadBalancerIps(), s.loadBalancerSourceRanges(), s.ports(),
                    s.affinityTimeoutSeconds(), s.externalTrafficLocal(), s.internalTrafficLocal(), s.scheduler());
            default:
                // A new spec under the same name; the ports stay so that the existing slices still match.
                final ServiceSpec n = service(s.namespace(), s.name());
                return new ServiceSpec(n.namespace(), n.name(), n.type(), n.clusterIps(), n.externalIps(),
                    n.loadBalancerIps(), n.loadBalancerSourceRanges(), s.ports(), n.affinityTimeoutSeconds(),
                    n.externalTrafficLocal(), n.internalTrafficLocal(), n.scheduler());
        }
    }

    /** The families a Service has addresses in (IPv4 first); a Service with none gets a random one. */
    List<Boolean> families(final ServiceSpec service)
    {
        final List<String> all = new ArrayList<>(service.clusterIps());
        all.addAll(service.externalIps());
        all.addAll(service.loadBalancerIps());
        final List<Boolean> out = new ArrayList<>();
        if (all.stream().anyMatch(a -> !a.contains(":")))
        {
            out.add(false);
        }
        if (all.stream().anyMatch(a -> a.contains(":")))
        {
            out.add(true);
        }
        if (out.isEmpty())
        {
            out.add(chance(0.5));
        }
        return out;
    }

    /** A slice for the Service, mostly of the given family, with 1 to 5 endpoints (sometimes none). */
    EndpointSliceSpec slice(final ServiceSpec service, final String sliceName, final boolean family)
    {
        final boolean ipv6 = chance(0.05) != family;
        final List<EndpointPortSpec> ports = new ArrayList<>();
        for (final ServicePortSpec p : service.ports())
        {
            final String portName = chance(0.08) ? "other" : p.name();
            final Protocol protocol = chance(0.04) ? pick(List.of(Protocol.values())) : p.protocol();
            ports.add(new EndpointPortSpec(portName, 8080 + (chance(0.15) ? 1 : 0), protocol));
        }
        final List<EndpointSpec> endpoints = new ArrayList<>();
        final int count = chance(0.1) ? 0 : 1 + random.nextInt(5);
        for (int i = 0; i < count; i++)
        {
            endpoints.add(endpoint(ipv6));
        }
        return new EndpointSliceSpec(service.namespace(), sliceName, service.name(), ipv6, ports, endpoints);
    }

    EndpointSpec endpoint(final boolean ipv6)
    {
        final List<String> addresses = new ArrayList<>();
        addresses.add(endpointAddress(ipv6));
        if (chance(0.1))
        {
            addresses.add(endpointAddress(ipv6));
        }
        final String node = node();
        return withHints(withConditions(new EndpointSpec(addresses, true, true, false, node,
            node.isEmpty() ? "" : pick(ZONES))));
    }

    /**
     * The node's network: a zone or none, node hints on or off, pod CIDRs of one, both or no family (so pods are
     * detected or not), Service CIDRs over the ClusterIP pools or none, masquerade-all or not.
     */
    NodeNetwork network()
    {
        final List<String> clusterCidrs = new ArrayList<>();
        if (chance(0.7))
        {
            clusterCidrs.add("10.244.0.0/16");
        }
        if (chance(0.5))
        {
            clusterCidrs.add("fd00:244::/32");
        }
        final List<String> serviceCidrs = chance(0.6) ? List.of("10.96.0.0/28", "fd00:96::/120") : List.of();
        return new NodeNetwork(chance(0.2) ? "" : pick(ZONES), chance(0.7), clusterCidrs, serviceCidrs, chance(0.2));
    }

    /**
     * Hints as the EndpointSlice controller writes them for a trafficDistribution (a zone hint, and a node hint for
     * PreferSameNode), or, now and then, none, several zones or a node hint alone, so that topology is used, falls
     * back and is ignored.
     */
    EndpointSpec withHints(final EndpointSpec e)
    {
        final double h = random.nextDouble();
        if (h < 0.35)
        {
            return e.withHints(Set.of(), Set.of());
        }
        final Set<String> zones = chance(0.15) ? Set.of() : chance(0.2) ? new HashSet<>(List.of(pick(ZONES), pick(ZONES))) :
            Set.of(e.zone().isEmpty() ? pick(ZONES) : e.zone());
        final Set<String> nodes = chance(0.5) ? Set.of() : Set.of(e.nodeName().isEmpty() ? "node-b" : e.nodeName());
        return e.withHints(zones, nodes);
    }

    String node()
    {
        final double n = random.nextDouble();
        return n < 0.45 ? NODE : n < 0.85 ? "node-b" : "";
    }

    /** The same endpoint with a fresh condition mix: mostly the mixes Kubernetes produces, sometimes any. */
    EndpointSpec withConditions(final EndpointSpec e)
    {
        final double c = random.nextDouble();
        final boolean ready;
        final boolean serving;
        final boolean terminating;
        if (c < 0.6)
        {
            ready = true;
            serving = true;
            terminating = false;
        }
        else if (c < 0.65)
        {
            ready = false;
            serving = true;
            terminating = true;
        }
        else if (c < 0.75)
        {
            ready = false;
            serving = false;
            terminating = true;
        }
        else if (c < 0.85)
        {
            ready = false;
            serving = false;
            terminating = false;
        }
        else
        {
            ready = chance(0.5);
            serving = chance(0.5);
            terminating = chance(0.5);
        }
        return new EndpointSpec(e.addresses(), ready, serving, terminating, e.nodeName(), e.zone(), e.zoneHints(),
            e.nodeHints());
    }

    /** A variation of a slice: an endpoint flips conditions, moves, leaves or (re)joins; or the slice moves. */
    EndpointSliceSpec mutate(final EndpointSliceSpec s)
    {
        final List<EndpointSpec> endpoints = new ArrayList<>(s.endpoints());
        final double m = random.nextDouble();
        if (endpoints.isEmpty() || m < 0.2)
        {
            endpoints.add(endpoint(s.ipv6()));
        }
        else if (m < 0.65)
        {
            final int i = random.nextInt(endpoints.size());
            endpoints.set(i, withConditions(endpoints.get(i)));
        }
        else if (m < 0.85)
        {
            endpoints.remove(random.nextInt(endpoints.size()));
        }
        else if (m < 0.96)
        {
            final int i = random.nextInt(endpoints.size());
            final EndpointSpec e = endpoints.get(i);
            endpoints.set(i, withHints(new EndpointSpec(e.addresses(), e.ready(), e.serving(), e.terminating(), node(),
                pick(ZONES))));
        }
        else
        {
            // The slice is re-labelled to another Service (same namespace, maybe one that does not exist).
            return new EndpointSliceSpec(s.namespace(), s.name(), "svc-" + random.nextInt(5), s.ipv6(), s.ports(),
                endpoints);
        }
        return new EndpointSliceSpec(s.namespace(), s.name(), s.serviceName(), s.ipv6(), s.ports(), endpoints);
    }
}
