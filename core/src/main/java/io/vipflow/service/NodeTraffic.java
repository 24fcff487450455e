package io.vipflow.service;

import io.vipflow.packet.Addresses;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link NodeNetwork} and the node's addresses compiled for the data plane: where a packet comes from (a pod of
 * the cluster, the node itself, or elsewhere) and whether its destination lies in a Service CIDR. The lists are a
 * handful of prefixes, so a linear scan over parallel arrays is the whole lookup.
 * <p>
 * Thread contract: immutable once built on the control plane; its probes are allocation-free from any thread.
 * <p>
 * Not API (docs/API.md): public because the classifier in another package probes it; applications
 * describe the node with {@link NodeNetwork}.
 * @hidden
 */
public final class NodeTraffic
{
    static final NodeTraffic NONE = new NodeTraffic(NodeNetwork.defaults(), List.of(), ProxyMode.NFTABLES);

    /** The node network this was built from. */
    public final NodeNetwork network;
    /** The kube-proxy mode whose rules apply: they differ in all three points below. */
    public final ProxyMode mode;
    /** kube-proxy {@code --masquerade-all}. */
    public final boolean masqueradeAll;
    /**
     * Pods (with a detector) and the node itself reach an eTP:Local external frontend through the cluster
     * endpoints: the nftables and iptables external chains; IPVS virtual services know no source.
     */
    public final boolean shortCircuits;
    /** An unallocated address of a Service CIDR is dropped: nftables {@code cluster-ips-check} only. */
    public final boolean dropsUnallocated;
    /**
     * A packet to an active ClusterIP on a port its Services do not serve is rejected: nftables
     * ({@code cluster-ips-check}: {@code daddr @cluster-ips reject}) and IPVS ({@code KUBE-IPVS-FILTER}: a new
     * connection to an address bound on {@code kube-ipvs0} that matches no ClusterIP, external-IP or load-balancer
     * set entry is rejected); iptables writes no rule for it.
     */
    public final boolean rejectsUnservedPorts;
    private final Prefixes clusterCidrs;
    private final Prefixes serviceCidrs;
    private final Prefixes nodeAddresses;
    private final boolean detectV4;
    private final boolean detectV6;

    NodeTraffic(final NodeNetwork network, final List<long[]> nodeIps, final ProxyMode mode)
    {
        this.network = network;
        this.mode = mode;
        this.masqueradeAll = network.masqueradeAll();
        this.shortCircuits = mode != ProxyMode.IPVS;
        this.dropsUnallocated = mode == ProxyMode.NFTABLES;
        this.rejectsUnservedPorts = mode != ProxyMode.IPTABLES;
        final List<long[]> cluster = cidrs(network.clusterCidrs());
        this.clusterCidrs = new Prefixes(cluster);
        this.serviceCidrs = new Prefixes(cidrs(network.serviceCidrs()));
        final List<long[]> hosts = new ArrayList<>();
        for (final long[] ip : nodeIps)
        {
            hosts.add(new long[] {ip[0], ip[1], 128, ip[2]});
        }
        this.nodeAddresses = new Prefixes(hosts);
        this.detectV4 = cluster.stream().anyMatch(c -> c[3] == 4);
        this.detectV6 = cluster.stream().anyMatch(c -> c[3] == 6);
    }

    private static List<long[]> cidrs(final List<String> texts)
    {
        final List<long[]> out = new ArrayList<>();
        for (final String text : texts)
        {
            out.add(Addresses.parseCidr(text));
        }
        return out;
    }

    /**
     * True when a local-traffic detector exists for the family: a cluster CIDR of that family was given
     * (kube-proxy {@code NewDetectLocalByCIDR} per family; without one nothing is detected as local).
     *
     * @param ipv6 the address family
     * @return whether a detector exists
     */
    public boolean detects(final boolean ipv6)
    {
        return ipv6 ? detectV6 : detectV4;
    }

    /**
     * {@return whether the source is a pod of the cluster: inside a cluster CIDR of its family}
     *
     * @param ipv6 the address family
     * @param hi   the address, high 64 bits
     * @param lo   the address, low 64 bits
     */
    public boolean fromPod(final boolean ipv6, final long hi, final long lo)
    {
        return clusterCidrs.contains(ipv6, hi, lo);
    }

    /**
     * {@return whether the source is one of the node's own addresses (nftables {@code fib saddr type local})}
     *
     * @param ipv6 the address family
     * @param hi   the address, high 64 bits
     * @param lo   the address, low 64 bits
     */
    public boolean fromNode(final boolean ipv6, final long hi, final long lo)
    {
        return nodeAddresses.contains(ipv6, hi, lo);
    }

    /**
     * {@return whether the address is inside a Service CIDR}
     *
     * @param ipv6 the address family
     * @param hi   the address, high 64 bits
     * @param lo   the address, low 64 bits
     */
    public boolean inServiceCidr(final boolean ipv6, final long hi, final long lo)
    {
        return serviceCidrs.contains(ipv6, hi, lo);
    }

    /** Prefixes of both families in parallel arrays. */
    private static final class Prefixes
    {
        private final long[] hi;
        private final long[] lo;
        private final int[] length;
        private final boolean[] v6;

        Prefixes(final List<long[]> parsed)
        {
            final int n = parsed.size();
            hi = new long[n];
            lo = new long[n];
            length = new int[n];
            v6 = new boolean[n];
            for (int i = 0; i < n; i++)
            {
                final long[] p = parsed.get(i);
                hi[i] = p[0];
                lo[i] = p[1];
                length[i] = (int)p[2];
                v6[i] = p[3] == 6;
            }
        }

        boolean contains(final boolean ipv6, final long addrHi, final long addrLo)
        {
            for (int i = 0; i < length.length; i++)
            {
                if (v6[i] == ipv6 && Addresses.inPrefix(addrHi, addrLo, hi[i], lo[i], length[i]))
                {
                    return true;
                }
            }
            return false;
        }
    }
}
