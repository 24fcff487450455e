package io.vipflow.service;

import io.vipflow.packet.Addresses;

import java.util.ArrayList;
import java.util.List;

/**
 * The frontends of a compiled Service port: one per ClusterIP, external IP and load-balancer IP of the port's family,
 * and one per node address of the family for a NodePort, with the load-balancer source ranges each admits. Control
 * plane only; the node's addresses are fixed when it is made.
 */
final class FrontendBuilder
{
    private final List<long[]> nodeIps;

    FrontendBuilder(final List<long[]> nodeIps)
    {
        this.nodeIps = nodeIps;
    }

    boolean hasFrontendAddress(final ServiceSpec spec, final ServicePortSpec portSpec, final boolean ipv6)
    {
        if (anyOfFamily(spec.clusterIps(), ipv6) || anyOfFamily(spec.externalIps(), ipv6) ||
            anyOfFamily(spec.loadBalancerIps(), ipv6))
        {
            return true;
        }
        return spec.type().hasNodePorts() && portSpec.nodePort() > 0 && nodeIps.stream().anyMatch(a -> isV6(a) == ipv6);
    }

    void addFrontends(final ServiceSpec spec, final ServicePortSpec portSpec, final ServicePort sp,
        final ProxyMode proxyMode, final List<Frontend> out)
    {
        final boolean ipv6 = sp.ipv6;
        for (final String ip : spec.clusterIps())
        {
            add(out, FrontendKind.CLUSTER_IP, sp, ip, ipv6, portSpec.port(), null, proxyMode);
        }
        for (final String ip : spec.externalIps())
        {
            add(out, FrontendKind.EXTERNAL_IP, sp, ip, ipv6, portSpec.port(), null, proxyMode);
        }
        final SourceRanges lbRanges = sourceRanges(spec, ipv6);
        for (final String ip : spec.loadBalancerIps())
        {
            add(out, FrontendKind.LOAD_BALANCER, sp, ip, ipv6, portSpec.port(), lbRanges, proxyMode);
        }
        if (spec.type().hasNodePorts() && portSpec.nodePort() > 0)
        {
            for (final long[] nodeIp : nodeIps)
            {
                if (isV6(nodeIp) == ipv6)
                {
                    out.add(new Frontend(FrontendKind.NODE_PORT, sp, nodeIp[0], nodeIp[1], portSpec.nodePort(), null,
                        null, null));
                }
            }
        }
    }

    /**
     * The sources a load-balancer frontend of this family admits, or null for every source. kube-proxy
     * ({@code service.go} {@code newBaseServiceInfo}) keeps only the ranges of the proxier's family, and writes no
     * firewall when none is left ({@code nftables/proxier.go} {@code syncProxyRules}: {@code usesFWChain} needs
     * ranges). When a range holds the node's primary address of the family, the Service's load-balancer IPs of the
     * family are admitted as sources too: a node reaching a VIP bound locally loops back with the VIP as source
     * ({@code allowFromNode}, nftables and iptables {@code syncProxyRules}; every LB IP of the Service there, only
     * the one hit in IPVS mode, where {@code KUBE-LOAD-BALANCER-SOURCE-IP} pairs each ingress IP with itself).
     */
    private SourceRanges sourceRanges(final ServiceSpec spec, final boolean ipv6)
    {
        final List<long[]> ranges = new ArrayList<>();
        for (final String cidr : spec.loadBalancerSourceRanges())
        {
            final long[] r = Addresses.parseCidr(cidr);
            if ((r[3] == 6) == ipv6)
            {
                ranges.add(r);
            }
        }
        if (ranges.isEmpty())
        {
            return null;
        }
        final long[] primary = primaryNodeIp(ipv6);
        boolean allowFromNode = false;
        for (final long[] r : ranges)
        {
            allowFromNode |= primary != null && Addresses.inPrefix(primary[0], primary[1], r[0], r[1], (int)r[2]);
        }
        final List<long[]> vips = new ArrayList<>();
        for (final String ip : allowFromNode ? spec.loadBalancerIps() : List.<String>of())
        {
            final long[] a = Addresses.parse(ip);
            if (isV6(a) == ipv6)
            {
                vips.add(new long[] {a[0], a[1], 128});
            }
        }
        return new SourceRanges(ranges, vips);
    }

    /** A Service's source ranges of one family, and the load-balancer IPs admitted as sources beside them. */
    private record SourceRanges(List<long[]> ranges, List<long[]> vips)
    {
        /** The entries a frontend at address {@code (hi, lo)} checks. */
        List<long[]> forFrontend(final ProxyMode mode, final long hi, final long lo)
        {
            final List<long[]> out = new ArrayList<>(ranges);
            for (final long[] v : vips)
            {
                if (mode != ProxyMode.IPVS || (v[0] == hi && v[1] == lo))
                {
                    out.add(v);
                }
            }
            return out;
        }
    }

    /** kube-proxy's {@code nodeIP}: the node's primary address of the family, the first given of that family. */
    private long[] primaryNodeIp(final boolean ipv6)
    {
        for (final long[] a : nodeIps)
        {
            if (isV6(a) == ipv6)
            {
                return a;
            }
        }
        return null;
    }

    private static void add(final List<Frontend> out, final FrontendKind kind, final ServicePort sp, final String ip,
        final boolean ipv6, final int port, final SourceRanges sources, final ProxyMode proxyMode)
    {
        final long[] a = Addresses.parse(ip);
        if (isV6(a) != ipv6)
        {
            return;
        }
        long[] hi = null;
        long[] lo = null;
        int[] prefix = null;
        if (sources != null)
        {
            final List<long[]> own = sources.forFrontend(proxyMode, a[0], a[1]);
            hi = new long[own.size()];
            lo = new long[own.size()];
            prefix = new int[own.size()];
            for (int i = 0; i < own.size(); i++)
            {
                hi[i] = own.get(i)[0];
                lo[i] = own.get(i)[1];
                prefix[i] = (int)own.get(i)[2];
            }
        }
        out.add(new Frontend(kind, sp, a[0], a[1], port, hi, lo, prefix));
    }

    private static boolean anyOfFamily(final List<String> ips, final boolean ipv6)
    {
        for (final String ip : ips)
        {
            if (isV6(Addresses.parse(ip)) == ipv6)
            {
                return true;
            }
        }
        return false;
    }

    private static boolean isV6(final long[] parsed)
    {
        return parsed[2] == 6;
    }
}
