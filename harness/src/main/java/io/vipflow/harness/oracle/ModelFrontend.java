package io.vipflow.harness.oracle;

import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;

import java.util.List;

/**
 * One (address, port, protocol) at which a Service port is reachable (SEMANTICS.md §1), as the model sees it.
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
}
