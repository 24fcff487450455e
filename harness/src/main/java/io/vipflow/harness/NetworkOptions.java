package io.vipflow.harness;

import io.vipflow.packet.Addresses;
import io.vipflow.service.NodeNetwork;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/**
 * What kube-proxy knows of the node's network besides its name and addresses: the zone for topology-aware
 * routing, the cluster CIDRs for local-traffic detection, the Service CIDRs, masquerade-all. A picocli mixin:
 * {@code @Mixin NetworkOptions network;}.
 */
public final class NetworkOptions
{
    @Option(names = "--node-zone", paramLabel = "ZONE", defaultValue = "",
        description = "This node's topology.kubernetes.io/zone label, for EndpointSlice zone hints " +
            "(watch reads it from the Node object when not given).")
    public String zone;

    @Option(names = "--prefer-same-node", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "Follow EndpointSlice node hints (kube-proxy's PreferSameTrafficDistribution gate; " +
            "default: on).")
    public boolean preferSameNode;

    @Option(names = "--cluster-cidr", paramLabel = "CIDR",
        description = "The cluster's pod CIDR (repeatable, one per family; kube-proxy --cluster-cidr with " +
            "detect-local-mode ClusterCIDR): pod traffic detection and masquerade.")
    public List<String> clusterCidrs = new ArrayList<>();

    @Option(names = "--service-cidr", paramLabel = "CIDR",
        description = "A Service CIDR (repeatable): packets to an unallocated ClusterIP inside it are dropped.")
    public List<String> serviceCidrs = new ArrayList<>();

    @Option(names = "--masquerade-all", description = "Masquerade every ClusterIP connection (kube-proxy " +
        "--masquerade-all).")
    public boolean masqueradeAll;

    /**
     * @return the options as a {@link NodeNetwork}
     * @throws CommandLine.ParameterException naming the option and the value when a CIDR does not parse
     */
    public NodeNetwork network(final CommandLine commandLine)
    {
        check(commandLine, "--cluster-cidr", clusterCidrs);
        check(commandLine, "--service-cidr", serviceCidrs);
        return new NodeNetwork(zone, preferSameNode, clusterCidrs, serviceCidrs, masqueradeAll);
    }

    private static void check(final CommandLine commandLine, final String option, final List<String> cidrs)
    {
        for (final String cidr : cidrs)
        {
            try
            {
                Addresses.parseCidr(cidr);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new CommandLine.ParameterException(commandLine, option + " '" + cidr + "' is not a CIDR (" +
                    ex.getMessage() + ")");
            }
        }
    }
}
