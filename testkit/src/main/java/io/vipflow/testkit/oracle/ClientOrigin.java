package io.vipflow.testkit.oracle;

import io.vipflow.service.NodeNetwork;
import io.vipflow.service.ProxyMode;

/**
 * Where a client's packet comes from, as far as kube-proxy's rules tell sources apart, and what follows for its
 * frontend: whether the external chain sends it to the cluster endpoints although the policy is Local, and whether
 * it is masqueraded.
 *
 * @param address      the client's canonical address
 * @param fromPod      the client is inside one of the cluster CIDRs
 * @param fromNode     the client is one of this node's addresses
 * @param shortCircuit kube-proxy's external chain under eTP:Local sends pods and the node to the cluster endpoints
 *                     (nftables, iptables); an IPVS virtual service knows no source
 * @param masquerade   the packet is masqueraded (hairpin aside, which {@link Expectation} checks against the chosen
 *                     backend)
 */
record ClientOrigin(String address, boolean fromPod, boolean fromNode, boolean shortCircuit, boolean masquerade)
{
    static ClientOrigin of(final String src, final ModelFrontend frontend, final ServiceTables tables)
    {
        final NodeNetwork network = tables.network();
        final ProxyMode mode = tables.proxyMode();
        final boolean fromPod = network.clusterCidrs().stream().anyMatch(c -> ModelAddress.inCidr(src, c));
        final boolean fromNode = tables.isNodeIp(src);
        final boolean shortCircuit = frontend.kind().external && mode != ProxyMode.IPVS && (fromPod || fromNode);
        return new ClientOrigin(src, fromPod, fromNode, shortCircuit,
            masquerade(frontend, src, fromPod, fromNode, network, mode));
    }

    /**
     * kube-proxy masquerades: a ClusterIP under masquerade-all, or from outside the cluster CIDRs when some are known
     * for the family; an external frontend under a Cluster policy always; under a Local policy only from the node
     * itself (pods are short-circuited first).
     */
    private static boolean masquerade(final ModelFrontend frontend, final String src, final boolean fromPod,
        final boolean fromNode, final NodeNetwork network, final ProxyMode mode)
    {
        if (!frontend.kind().external)
        {
            final boolean detector = network.clusterCidrs().stream()
                .anyMatch(c -> ModelAddress.isIpv6(c.substring(0, c.indexOf('/'))) == ModelAddress.isIpv6(src));
            return network.masqueradeAll() || detector && !fromPod;
        }
        if (!frontend.service().externalTrafficLocal())
        {
            return true;
        }
        // IPVS never marks eTP:Local traffic.
        return mode != ProxyMode.IPVS && !fromPod && fromNode;
    }

    /** {@code e} with this origin's masquerading applied. */
    Expectation applyTo(final Expectation e)
    {
        return e.masquerading(masquerade, address);
    }
}
