package io.vipflow.testkit.oracle;

import io.vipflow.service.ProxyMode;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;
import io.vipflow.service.ServiceType;

import java.util.ArrayList;
import java.util.List;

/**
 * One (address, port, protocol) at which a Service port is reachable (docs/SEMANTICS.md §1), as the model sees it.
 *
 * @param kind         how the packet reaches the Service
 * @param address      canonical frontend address
 * @param port         frontend port (the Service port, or the node port)
 * @param protocol     IP protocol number
 * @param service      the Service
 * @param servicePort  the Service port
 * @param ipv6         address family
 * @param sourceRanges {@code loadBalancerSourceRanges} for a load-balancer frontend of a Service that sets
 *                     them; null when every source is admitted
 */
record ModelFrontend(Kind kind, String address, int port, int protocol, ServiceSpec service,
    ServicePortSpec servicePort, boolean ipv6, List<String> sourceRanges)
{
    /** §1: ClusterIP traffic is internal; externalIP, load-balancer and NodePort traffic is external. */
    enum Kind
    {
        CLUSTER_IP(false), EXTERNAL_IP(true), LOAD_BALANCER(true), NODE_PORT(true);

        final boolean external;

        Kind(final boolean external)
        {
            this.external = external;
        }
    }

    /** The exact-match key of §1: (protocol, address, port). */
    static String matchKey(final int protocol, final String address, final int port)
    {
        return protocol + " " + address + " " + port;
    }

    String matchKey()
    {
        return matchKey(protocol, address, port);
    }

    /** Identity of the (Service, port, protocol, family): what connection and affinity records belong to. */
    String portKey()
    {
        return portKey(service, servicePort, ipv6);
    }

    static String portKey(final ServiceSpec service, final ServicePortSpec port, final boolean ipv6)
    {
        return service.key() + "|" + port.protocol() + "/" + port.port() + "|" + (ipv6 ? 6 : 4);
    }

    /** {@code namespace/name:portName}, or the port number when the port is unnamed. */
    String label()
    {
        return service.key() + ":" + (servicePort.name().isEmpty() ? Integer.toString(servicePort.port()) :
            servicePort.name());
    }

    /** The traffic policy for this frontend is Local (§2 rule 3). */
    boolean localPolicy()
    {
        return kind.external ? service.externalTrafficLocal() : service.internalTrafficLocal();
    }

    /**
     * {@code loadBalancerSourceRanges} (§1): with ranges set, only sources inside a range (of the packet's
     * family) may use a load-balancer frontend.
     */
    boolean admits(final String source)
    {
        if (sourceRanges == null)
        {
            return true;
        }
        for (final String cidr : sourceRanges)
        {
            if (ModelAddress.inCidr(source, cidr))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * §1: clusterIPs, externalIPs and load-balancer ingress IPs on the Service port; this node's addresses on
     * the node port for NodePort and LoadBalancer Services. Only addresses of the given family.
     */
    static List<ModelFrontend> of(final ServiceSpec service, final ServicePortSpec port, final boolean ipv6,
        final List<String> nodeIps, final ProxyMode mode)
    {
        final List<ModelFrontend> out = new ArrayList<>();
        final int protocol = port.protocol().number;
        addFrontends(out, Kind.CLUSTER_IP, service.clusterIps(), port.port(), protocol, service, port, ipv6, null);
        addFrontends(out, Kind.EXTERNAL_IP, service.externalIps(), port.port(), protocol, service, port, ipv6, null);
        for (final String address : service.loadBalancerIps())
        {
            final String canonical = ModelAddress.canonical(address);
            if (ModelAddress.isIpv6(canonical) == ipv6)
            {
                out.add(new ModelFrontend(Kind.LOAD_BALANCER, canonical, port.port(), protocol, service, port, ipv6,
                    admittedSources(service, canonical, ipv6, nodeIps, mode)));
            }
        }
        final boolean nodePorts = service.type() == ServiceType.NODE_PORT ||
            service.type() == ServiceType.LOAD_BALANCER;
        if (nodePorts && port.nodePort() > 0)
        {
            addFrontends(out, Kind.NODE_PORT, nodeIps, port.nodePort(), protocol, service, port, ipv6, null);
        }
        return out;
    }

    /**
     * §1 as kube-proxy applies it: only the ranges of the frontend's family count, and none of that family means no
     * filter; when a range holds the node's primary address (the first of its family), load-balancer IPs are
     * admitted as sources too (the node reaching its own VIP): every one of the Service in the nftables and
     * iptables modes, only the frontend's own in IPVS mode. Range entries are CIDRs, admitted VIPs /32 or /128.
     */
    private static List<String> admittedSources(final ServiceSpec service, final String frontendAddress,
        final boolean ipv6, final List<String> nodeIps, final ProxyMode mode)
    {
        final List<String> ranges = new ArrayList<>();
        for (final String cidr : service.loadBalancerSourceRanges())
        {
            if (ModelAddress.isIpv6(cidr.substring(0, cidr.indexOf('/')).trim()) == ipv6)
            {
                ranges.add(cidr.trim());
            }
        }
        if (ranges.isEmpty())
        {
            return null;
        }
        final String primary = nodeIps.stream().filter(a -> ModelAddress.isIpv6(a) == ipv6).findFirst().orElse(null);
        if (primary != null && ranges.stream().anyMatch(r -> ModelAddress.inCidr(primary, r)))
        {
            final List<String> vips = mode == ProxyMode.IPVS ? List.of(frontendAddress) : service.loadBalancerIps();
            for (final String vip : vips)
            {
                final String canonical = ModelAddress.canonical(vip);
                if (ModelAddress.isIpv6(canonical) == ipv6)
                {
                    ranges.add(canonical + (ipv6 ? "/128" : "/32"));
                }
            }
        }
        return ranges;
    }

    private static void addFrontends(final List<ModelFrontend> out, final Kind kind, final List<String> addresses,
        final int frontendPort, final int protocol, final ServiceSpec service, final ServicePortSpec port,
        final boolean ipv6, final List<String> ranges)
    {
        for (final String address : addresses)
        {
            final String canonical = ModelAddress.canonical(address);
            if (ModelAddress.isIpv6(canonical) == ipv6)
            {
                out.add(new ModelFrontend(kind, canonical, frontendPort, protocol, service, port, ipv6, ranges));
            }
        }
    }
}
