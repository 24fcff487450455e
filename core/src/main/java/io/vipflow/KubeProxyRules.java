package io.vipflow;

import io.vipflow.packet.PacketTuple;
import io.vipflow.service.Backend;
import io.vipflow.service.Frontend;
import io.vipflow.service.NodeTraffic;
import io.vipflow.service.ServicePort;
import io.vipflow.service.Snapshot;

/**
 * What kube-proxy does with a packet apart from the connection table: the verdict for a packet no frontend serves,
 * which endpoint set a new flow takes, which packets may open a flow, and the masquerade mark. Each rule cites the
 * kube-proxy source it follows. The {@link Classifier} asks these per packet; they read the packet, the snapshot's
 * frontend and node traffic rules, and nothing else.
 * <p>
 * Thread contract: stateless; any thread.
 */
final class KubeProxyRules
{
    private KubeProxyRules()
    {
    }

    /**
     * A packet that matches no frontend. kube-proxy's nftables {@code cluster-ips-check} chain
     * ({@code pkg/proxy/nftables/proxier.go} {@code setupNFTables}) rejects one to an active ClusterIP (a port or
     * protocol none of its Services serves) and drops one to an unallocated address of a Service CIDR; the IPVS
     * mode's {@code KUBE-IPVS-FILTER} ({@code pkg/proxy/ipvs/proxier.go} {@code writeIptablesRules}) rejects the
     * first and lets the second pass; the iptables mode lets both pass. Both chains see new connections only
     * ({@code ct state new}); a packet here has no entry, so it counts as one (conntrack's loose pickup makes a
     * mid-stream TCP packet without an entry new as well). Anything else is not ours: PASS.
     */
    static void unserved(final Snapshot snapshot, final NodeTraffic traffic, final PacketTuple t,
        final Decision d)
    {
        if (!traffic.rejectsUnservedPorts)
        {
            return;
        }
        if (snapshot.isClusterIp(t.ipv6, t.dstHi, t.dstLo))
        {
            d.set(Verdict.REJECT, Reason.UNSERVED_PORT);
        }
        else if (traffic.dropsUnallocated && traffic.inServiceCidr(t.ipv6, t.dstHi, t.dstLo))
        {
            d.set(Verdict.DROP, Reason.UNALLOCATED_CLUSTER_IP);
        }
    }

    /**
     * Whether a new flow takes the Service port's local set. The frontend's traffic policy decides, except that
     * kube-proxy's external chain for {@code externalTrafficPolicy: Local} sends pod sources (with a local-traffic
     * detector) and the node's own addresses to the cluster endpoints ({@code pkg/proxy/nftables/proxier.go}
     * {@code syncProxyRules}: "short-circuit pod traffic", "short-circuit local traffic").
     */
    static boolean usesLocalSet(final PacketTuple t, final Frontend frontend, final ServicePort sp,
        final NodeTraffic traffic)
    {
        if (!sp.localPolicy(frontend.kind.external))
        {
            return false;
        }
        return !frontend.kind.external || !traffic.shortCircuits || !(traffic.fromPod(t.ipv6, t.srcHi, t.srcLo) ||
            traffic.fromNode(t.ipv6, t.srcHi, t.srcLo));
    }

    /**
     * kube-proxy's masquerade mark ({@code pkg/proxy/nftables/proxier.go} {@code syncProxyRules}): the endpoint
     * chain marks a packet whose source is the endpoint itself (hairpin); a ClusterIP marks every packet under
     * masquerade-all, else sources outside the cluster CIDR when a detector exists; an external frontend marks
     * everything under a Cluster policy, and under a Local policy only the node's own sources (pods were
     * short-circuited before that rule). The IPVS mode ({@code pkg/proxy/ipvs/proxier.go} {@code writeIptablesRules})
     * marks no eTP:Local traffic; its mark of VIP-sourced ClusterIP packets without a detector is not reproduced.
     */
    static boolean masquerade(final PacketTuple t, final Frontend frontend, final ServicePort sp,
        final NodeTraffic traffic, final Backend backend)
    {
        if (backend.addrLo == t.srcLo && backend.addrHi == t.srcHi)
        {
            return true;
        }
        if (!frontend.kind.external)
        {
            return traffic.masqueradeAll ||
                traffic.detects(t.ipv6) && !traffic.fromPod(t.ipv6, t.srcHi, t.srcLo);
        }
        if (!sp.service.externalTrafficLocal())
        {
            return true;
        }
        // IPVS: the *-LOCAL ipsets return before the mark, whatever the source.
        return traffic.shortCircuits && !traffic.fromPod(t.ipv6, t.srcHi, t.srcLo) &&
            traffic.fromNode(t.ipv6, t.srcHi, t.srcLo);
    }

    /** TCP SYN without RST, SCTP INIT, or any UDP packet may create an entry (docs/SEMANTICS.md §3). */
    static boolean opensFlow(final PacketTuple t, final boolean tcp)
    {
        if (tcp)
        {
            return (t.flags & (PacketTuple.TCP_SYN | PacketTuple.TCP_RST)) == PacketTuple.TCP_SYN;
        }
        if (t.protocol == PacketTuple.PROTO_SCTP)
        {
            return (t.flags & PacketTuple.SCTP_INIT) != 0;
        }
        return true;
    }
}
