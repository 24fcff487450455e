package io.vipflow.service;

import io.vipflow.packet.Addresses;

import java.util.List;

/**
 * What kube-proxy knows about the node besides its name and addresses: its zone, the cluster's pod CIDRs, the
 * Service CIDRs and whether every ClusterIP packet is masqueraded. Given to {@link ControlPlane#nodeNetwork}.
 * <p>
 * Thread contract: immutable.
 *
 * @param zone           the node's {@code topology.kubernetes.io/zone} label, "" when it has none
 *                       (kube-proxy {@code CategorizeEndpoints}: zone hints never match an empty zone)
 * @param preferSameNode kube-proxy's {@code PreferSameTrafficDistribution} feature gate: node hints
 *                       ({@code hints.forNodes}) are used only when it is on (on by default since v1.34)
 * @param clusterCidrs   kube-proxy's {@code --cluster-cidr} (detect-local-mode {@code ClusterCIDR}, or the node's
 *                       pod CIDR for {@code NodeCIDR}): sources inside are pods. Empty: no local-traffic detector
 *                       for that family
 * @param serviceCidrs   the cluster's Service CIDRs (ServiceCIDR objects): a packet to an address inside them that
 *                       no Service holds is dropped, as kube-proxy's nftables mode does
 * @param masqueradeAll  kube-proxy's {@code --masquerade-all}: every ClusterIP connection is masqueraded
 */
public record NodeNetwork(String zone, boolean preferSameNode, List<String> clusterCidrs, List<String> serviceCidrs,
    boolean masqueradeAll)
{
    /**
     * Copies the lists and checks every CIDR.
     *
     * @param zone the node's {@code topology.kubernetes.io/zone} label, "" when it has none (kube-proxy {@code
     *             CategorizeEndpoints}: zone hints never match an empty zone)
     * @param preferSameNode kube-proxy's {@code PreferSameTrafficDistribution} feature gate: node hints ({@code
     *                       hints.forNodes}) are used only when it is on (on by default since v1.34)
     * @param clusterCidrs kube-proxy's {@code --cluster-cidr} (detect-local-mode {@code ClusterCIDR}, or the node's
     *                     pod CIDR for {@code NodeCIDR}): sources inside are pods. Empty: no local-traffic detector
     *                     for that family
     * @param serviceCidrs the cluster's Service CIDRs (ServiceCIDR objects): a packet to an address inside them that
     *                     no Service holds is dropped, as kube-proxy's nftables mode does
     * @param masqueradeAll kube-proxy's {@code --masquerade-all}: every ClusterIP connection is masqueraded
     * @throws IllegalArgumentException when a CIDR does not parse
     */
    public NodeNetwork
    {
        zone = zone == null ? "" : zone;
        clusterCidrs = List.copyOf(clusterCidrs);
        serviceCidrs = List.copyOf(serviceCidrs);
        for (final List<String> cidrs : List.of(clusterCidrs, serviceCidrs))
        {
            for (final String cidr : cidrs)
            {
                Addresses.parseCidr(cidr);
            }
        }
    }

    /** {@return the defaults: no zone, node hints on, no detector, no Service CIDR, no masquerade-all} */
    public static NodeNetwork defaults()
    {
        return new NodeNetwork("", true, List.of(), List.of(), false);
    }

    /**
     * @param zone this node's zone ({@code topology.kubernetes.io/zone}), for topology hints
     * @return a copy with that zone
     */
    public NodeNetwork withZone(final String zone)
    {
        return new NodeNetwork(zone, preferSameNode, clusterCidrs, serviceCidrs, masqueradeAll);
    }

    /**
     * @param on whether endpoints hinted for this node are preferred
     * @return a copy with that setting
     */
    public NodeNetwork withPreferSameNode(final boolean on)
    {
        return new NodeNetwork(zone, on, clusterCidrs, serviceCidrs, masqueradeAll);
    }

    /**
     * @param cidrs the cluster's pod CIDRs
     * @return a copy with those CIDRs
     */
    public NodeNetwork withClusterCidrs(final List<String> cidrs)
    {
        return new NodeNetwork(zone, preferSameNode, cidrs, serviceCidrs, masqueradeAll);
    }

    /**
     * @param cidrs the cluster's Service CIDRs
     * @return a copy with those CIDRs
     */
    public NodeNetwork withServiceCidrs(final List<String> cidrs)
    {
        return new NodeNetwork(zone, preferSameNode, clusterCidrs, cidrs, masqueradeAll);
    }

    /**
     * @param on kube-proxy's {@code --masquerade-all}
     * @return a copy with that setting
     */
    public NodeNetwork withMasqueradeAll(final boolean on)
    {
        return new NodeNetwork(zone, preferSameNode, clusterCidrs, serviceCidrs, on);
    }
}
