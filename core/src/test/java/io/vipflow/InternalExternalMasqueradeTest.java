package io.vipflow;

import io.vipflow.service.NodeNetwork;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.vipflow.KubeProxyFlows.EXTERNAL_CLIENT;
import static io.vipflow.KubeProxyFlows.NODE;
import static io.vipflow.KubeProxyFlows.NODE_IP;
import static io.vipflow.KubeProxyFlows.POD_CIDR;
import static io.vipflow.KubeProxyFlows.flow;
import static io.vipflow.KubeProxyFlows.ready;

/**
 * kube-proxy's {@code TestInternalExternalMasquerade} (nftables {@code pkg/proxy/nftables/proxier_test.go}): 27
 * flows from a pod, the node and an outside client to a plain, an eTP:Local and an iTP:Local LoadBalancer Service,
 * through ClusterIP, NodePort and load-balancer IP, under the four configurations "base", "no
 * LocalTrafficDetector", "masqueradeAll" and "masqueradeAll, no LocalTrafficDetector", each with the upstream
 * overrides. The rules checked are the short-circuits and masquerade marks of {@code syncProxyRules}.
 */
class InternalExternalMasqueradeTest
{
    private static final String POD = "10.0.0.2";
    private static final String SVC1 = "10.180.0.1:80, 10.180.1.1:80";
    private static final String SVC2 = "10.180.0.2:80, 10.180.1.2:80";
    private static final String SVC3 = "10.180.0.3:80, 10.180.1.3:80";

    /** The upstream flow list, "output" and "masq" as in the normal case (detector, no masqueradeAll). */
    private static final List<KubeProxyFlows.Flow> FLOWS = List.of(
        flow("pod to ClusterIP", POD, "172.30.0.41", 80, SVC1, false),
        flow("pod to NodePort", POD, NODE_IP, 3001, SVC1, true),
        flow("pod to LB", POD, "1.2.3.4", 80, SVC1, true),
        flow("node to ClusterIP", NODE_IP, "172.30.0.41", 80, SVC1, true),
        flow("node to NodePort", NODE_IP, NODE_IP, 3001, SVC1, true),
        flow("node to LB", NODE_IP, "1.2.3.4", 80, SVC1, true),
        flow("external to ClusterIP", EXTERNAL_CLIENT, "172.30.0.41", 80, SVC1, true),
        flow("external to NodePort", EXTERNAL_CLIENT, NODE_IP, 3001, SVC1, true),
        flow("external to LB", EXTERNAL_CLIENT, "1.2.3.4", 80, SVC1, true),
        flow("pod to ClusterIP with eTP:Local", POD, "172.30.0.42", 80, SVC2, false),
        flow("pod to NodePort with eTP:Local", POD, NODE_IP, 3002, SVC2, false),
        flow("pod to LB with eTP:Local", POD, "5.6.7.8", 80, SVC2, false),
        flow("node to ClusterIP with eTP:Local", NODE_IP, "172.30.0.42", 80, SVC2, true),
        // Upstream sends this one to svc1's node port 3001 (so it checks "node to NodePort" again); the eTP:Local
        // node port is covered by nodeToLocalPolicyNodePortUsesClusterSet below.
        flow("node to NodePort with eTP:Local", NODE_IP, NODE_IP, 3001, SVC1, true),
        flow("node to LB with eTP:Local", NODE_IP, "5.6.7.8", 80, SVC2, true),
        flow("external to ClusterIP with eTP:Local", EXTERNAL_CLIENT, "172.30.0.42", 80, SVC2, true),
        flow("external to NodePort with eTP:Local", EXTERNAL_CLIENT, NODE_IP, 3002, "10.180.0.2:80", false),
        flow("external to LB with eTP:Local", EXTERNAL_CLIENT, "5.6.7.8", 80, "10.180.0.2:80", false),
        flow("pod to ClusterIP with iTP:Local", POD, "172.30.0.43", 80, "10.180.0.3:80", false),
        flow("pod to NodePort with iTP:Local", POD, NODE_IP, 3003, SVC3, true),
        flow("pod to LB with iTP:Local", POD, "9.10.11.12", 80, SVC3, true),
        flow("node to ClusterIP with iTP:Local", NODE_IP, "172.30.0.43", 80, "10.180.0.3:80", true),
        flow("node to NodePort with iTP:Local", NODE_IP, NODE_IP, 3003, SVC3, true),
        flow("node to LB with iTP:Local", NODE_IP, "9.10.11.12", 80, SVC3, true),
        flow("external to ClusterIP with iTP:Local", EXTERNAL_CLIENT, "172.30.0.43", 80, "10.180.0.3:80", true),
        flow("external to NodePort with iTP:Local", EXTERNAL_CLIENT, NODE_IP, 3003, SVC3, true),
        flow("external to LB with iTP:Local", EXTERNAL_CLIENT, "9.10.11.12", 80, SVC3, true));

    /** The upstream {@code setupTest}: three LoadBalancer Services, each with a local and a remote endpoint. */
    private static KubeProxyFlows setup(final boolean masqueradeAll, final boolean localDetector)
    {
        return new KubeProxyFlows()
            .network(NodeNetwork.defaults().withMasqueradeAll(masqueradeAll)
                .withClusterCidrs(localDetector ? List.of(POD_CIDR) : List.of()))
            .loadBalancer("ns1", "svc1", "172.30.0.41", 3001, "1.2.3.4", false, false)
            .loadBalancer("ns2", "svc2", "172.30.0.42", 3002, "5.6.7.8", true, false)
            .loadBalancer("ns3", "svc3", "172.30.0.43", 3003, "9.10.11.12", false, true)
            .slice("ns1", "svc1", ready("10.180.0.1", NODE), ready("10.180.1.1", "remote"))
            .slice("ns2", "svc2", ready("10.180.0.2", NODE), ready("10.180.1.2", "remote"))
            .slice("ns3", "svc3", ready("10.180.0.3", NODE), ready("10.180.1.3", "remote"));
    }

    private static Map<String, KubeProxyFlows.Flow> overrides(final Object... nameOutputMasq)
    {
        final Map<String, KubeProxyFlows.Flow> byName = new HashMap<>();
        for (final KubeProxyFlows.Flow f : FLOWS)
        {
            byName.put(f.name(), f);
        }
        final Map<String, KubeProxyFlows.Flow> out = new HashMap<>();
        for (int i = 0; i < nameOutputMasq.length; i += 3)
        {
            final KubeProxyFlows.Flow base = byName.get((String)nameOutputMasq[i]);
            final String output = nameOutputMasq[i + 1] == null ? base.output() : (String)nameOutputMasq[i + 1];
            final boolean masq = nameOutputMasq[i + 2] == null ? base.masquerade() : (Boolean)nameOutputMasq[i + 2];
            out.put(base.name(), base.with(output, masq));
        }
        return out;
    }

    @Test
    void base()
    {
        setup(false, true).check("base", FLOWS);
    }

    @Test
    void noLocalTrafficDetector()
    {
        setup(false, false).check("no LocalTrafficDetector", KubeProxyFlows.override(FLOWS, overrides(
            "node to ClusterIP", null, false,
            "node to ClusterIP with eTP:Local", null, false,
            "node to ClusterIP with iTP:Local", null, false,
            "external to ClusterIP", null, false,
            "external to ClusterIP with eTP:Local", null, false,
            "external to ClusterIP with iTP:Local", null, false,
            "pod to NodePort with eTP:Local", "10.180.0.2:80", null,
            "pod to LB with eTP:Local", "10.180.0.2:80", null)));
    }

    @Test
    void masqueradeAll()
    {
        setup(true, true).check("masqueradeAll", KubeProxyFlows.override(FLOWS, overrides(
            "pod to ClusterIP", null, true,
            "pod to ClusterIP with eTP:Local", null, true,
            "pod to ClusterIP with iTP:Local", null, true)));
    }

    @Test
    void masqueradeAllNoLocalTrafficDetector()
    {
        setup(true, false).check("masqueradeAll, no LocalTrafficDetector", KubeProxyFlows.override(FLOWS, overrides(
            "pod to ClusterIP", null, true,
            "pod to ClusterIP with eTP:Local", null, true,
            "pod to ClusterIP with iTP:Local", null, true,
            "pod to NodePort with eTP:Local", "10.180.0.2:80", null,
            "pod to LB with eTP:Local", "10.180.0.2:80", null)));
    }

    /**
     * What the upstream "node to NodePort with eTP:Local" case means to check (its port is svc1's): the node's own
     * traffic to an eTP:Local node port is short-circuited to every endpoint and masqueraded ("short-circuit local
     * traffic" in {@code syncProxyRules}), with or without a detector.
     */
    @Test
    void nodeToLocalPolicyNodePortUsesClusterSet()
    {
        for (final boolean detector : new boolean[] {true, false})
        {
            setup(false, detector).check("node to eTP:Local node port, detector " + detector,
                List.of(flow("node to NodePort 3002", NODE_IP, NODE_IP, 3002, SVC2, true)));
        }
    }

    /**
     * Node and pod traffic to an eTP:Local frontend is short-circuited even when no endpoint is local (the later
     * nftables layout checks for endpoints after DNAT); outside traffic is dropped.
     */
    @Test
    void shortCircuitWithoutLocalEndpoints()
    {
        new KubeProxyFlows()
            .network(NodeNetwork.defaults().withClusterCidrs(List.of(POD_CIDR)))
            .loadBalancer("ns2", "svc2", "172.30.0.42", 3002, "5.6.7.8", true, false)
            .slice("ns2", "svc2", ready("10.180.1.2", "remote"), ready("10.180.2.2", "remote"))
            .check("eTP:Local without local endpoints", List.of(
                flow("node to LB", NODE_IP, "5.6.7.8", 80, "10.180.1.2:80, 10.180.2.2:80", true),
                flow("pod to LB", POD, "5.6.7.8", 80, "10.180.1.2:80, 10.180.2.2:80", false),
                flow("pod to NodePort", POD, NODE_IP, 3002, "10.180.1.2:80, 10.180.2.2:80", false),
                flow("external to LB", EXTERNAL_CLIENT, "5.6.7.8", 80, "DROP", false)));
    }
}
