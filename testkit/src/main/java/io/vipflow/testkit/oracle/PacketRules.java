package io.vipflow.testkit.oracle;

import io.vipflow.ClassifierConfig;
import io.vipflow.MidFlowPolicy;
import io.vipflow.Reason;
import io.vipflow.Verdict;
import io.vipflow.conntrack.ConnState;
import io.vipflow.packet.PacketTuple;
import io.vipflow.service.ProxyMode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The reference model's decision for a client's packet (docs/SEMANTICS.md §1-§5), in the order the rules apply:
 * frontend match, the flow's connection entry ({@link FlowEntryRules}), source ranges, mid-flow policy, the backend
 * sets, session affinity, and the scheduler ({@link SchedulerChoice}).
 * <p>
 * Single-threaded: owned by one {@link ReferenceModel}, which calls it from the thread that drives it. Reads the
 * records and tables only; what the decision changes goes into the {@link PacketPlan}.
 */
final class PacketRules
{
    private final ClassifierConfig config;
    private final ServiceTables tables;
    private final ConnectionRecords records;
    private final SchedulerChoice scheduler;
    private final FlowEntryRules entries;

    PacketRules(final ClassifierConfig config, final ServiceTables tables, final ConnectionRecords records,
        final SchedulerChoice scheduler)
    {
        this.config = config;
        this.tables = tables;
        this.records = records;
        this.scheduler = scheduler;
        this.entries = new FlowEntryRules(config, tables, records);
    }

    Expectation decide(final PacketTuple t, final long nowNanos, final PacketPlan plan)
    {
        final String src = ModelAddress.fromTuple(t.ipv6, t.srcHi, t.srcLo);
        final String dst = ModelAddress.fromTuple(t.ipv6, t.dstHi, t.dstLo);
        // §1: exact match on (address, port, protocol); no match means the packet is not ours.
        final ModelFrontend frontend = tables.frontend(t.protocol, dst, t.dstPort);
        if (frontend == null)
        {
            return unmatched(dst, plan);
        }
        final String label = frontend.label();
        final boolean tcp = t.protocol == PacketTuple.PROTO_TCP;
        final boolean opening = opensFlow(t);
        final String portKey = frontend.portKey();
        final BackendSelection selection = tables.selection(portKey);
        final ClientOrigin origin = ClientOrigin.of(src, frontend, tables);
        final Set<String> usable = selection.setFor(frontend.localPolicy() && !origin.shortCircuit());
        plan.flowKey = ConnectionRecords.flowKey(t.protocol, src, t.srcPort, dst, t.dstPort);
        plan.client = src;

        final Expectation continued = entries.decide(t, nowNanos, plan, frontend, opening, usable, origin);
        if (continued != null)
        {
            return continued;
        }
        if (!frontend.admits(src))
        {
            // §1: the ranges filter what would start a connection (kube-proxy: ct state new), before anything else.
            plan.paths.add("drop-source-range");
            return Expectation.of(Verdict.DROP, Reason.SOURCE_RANGE, label);
        }
        if (!opening && !plan.rescheduled)
        {
            // §3: a mid-flow packet without an entry is a policy choice.
            final MidFlowPolicy policy = config.midFlowPolicy();
            if (policy == MidFlowPolicy.PASS)
            {
                plan.paths.add("midflow-pass");
                return Expectation.of(Verdict.PASS, Reason.NO_CONNECTION, label);
            }
            if (policy == MidFlowPolicy.DROP)
            {
                plan.paths.add("midflow-drop");
                return Expectation.of(Verdict.DROP, Reason.NO_CONNECTION, label);
            }
            plan.paths.add("midflow-schedule");
        }
        if (selection.cluster().isEmpty())
        {
            // §2 rule 4: no endpoints at all is a REJECT, never a silent drop.
            plan.paths.add("reject-no-endpoints");
            return Expectation.of(Verdict.REJECT, Reason.NO_ENDPOINTS, label);
        }
        if (usable.isEmpty())
        {
            // §2 rule 5: Local policy, endpoints elsewhere only.
            plan.paths.add("drop-no-local-endpoints");
            return Expectation.of(Verdict.DROP, Reason.NO_LOCAL_ENDPOINTS, label);
        }

        Set<String> allowed = usable;
        final int affinitySeconds = frontend.service().affinityTimeoutSeconds();
        if (affinitySeconds > 0)
        {
            // §5: back to the previous backend if it is still usable and the record has not expired.
            final ConnectionRecords.Affinity remembered = plan.afterEviction ? null :
                records.liveAffinity(src, portKey, nowNanos);
            if (remembered != null && tables.isListed(portKey, portKey, remembered.backend(),
                remembered.incarnation()) && usable.contains(remembered.backend()))
            {
                allowed = Set.of(remembered.backend());
                plan.paths.add("affinity-hit");
            }
            else
            {
                plan.paths.add(remembered == null ? "affinity-none" : "affinity-unusable");
            }
            plan.rememberAffinity = true;
            plan.affinityExpiry = nowNanos + affinitySeconds * 1_000_000_000L;
        }
        final int state = tcp ? TcpTransitions.next(ConnState.NONE, t.flags) :
            t.protocol == PacketTuple.PROTO_UDP ? ConnState.UDP : ConnState.SCTP;
        plan.newFlowPortKey = portKey;
        plan.newFlowState = state;
        plan.newFlowExpiry = nowNanos + config.timeouts().nanos(state);
        plan.paths.add(plan.rescheduled ? "new-flow-rescheduled" : "new-flow");
        if (origin.shortCircuit() && frontend.localPolicy())
        {
            plan.paths.add(origin.fromPod() ? "short-circuit-pod" : "short-circuit-node");
        }
        if (origin.masquerade())
        {
            plan.paths.add("masquerade");
        }
        final List<Expectation> outcomes = new ArrayList<>(List.of(origin.applyTo(Expectation.dnat(label, allowed,
            true))));
        if (plan.afterEviction)
        {
            // A table full of flows it may not evict refuses the new one (ConnTable#getOrCreate answers FULL).
            outcomes.add(Expectation.of(Verdict.DROP, Reason.TABLE_FULL, label));
        }
        if (allowed == usable && scheduler.mayFindNoDestination(frontend.service(), portKey, selection, usable, tables))
        {
            // IPVS ip_vs_leave: the scheduler returned no destination; the packet is refused (ICMP port unreachable).
            outcomes.add(Expectation.of(Verdict.REJECT, Reason.NO_DESTINATION, label));
        }
        return outcomes.size() == 1 ? outcomes.get(0) : Expectation.anyOf(outcomes);
    }

    /** A packet for no frontend: not ours, unless kube-proxy's filters for Service addresses catch it. */
    private Expectation unmatched(final String dst, final PacketPlan plan)
    {
        final boolean clusterIp = tables.isClusterIp(dst);
        final ProxyMode mode = tables.proxyMode();
        // kube-proxy nftables cluster-ips-check and IPVS KUBE-IPVS-FILTER: a ClusterIP on a port it does not
        // serve is rejected; iptables has no such rule.
        if (clusterIp && mode != ProxyMode.IPTABLES)
        {
            plan.paths.add("reject-unserved-port");
            return Expectation.of(Verdict.REJECT, Reason.UNSERVED_PORT, null);
        }
        // kube-proxy nftables: an address of a Service CIDR that is no Service's ClusterIP is dropped.
        if (!clusterIp && mode == ProxyMode.NFTABLES &&
            tables.network().serviceCidrs().stream().anyMatch(c -> ModelAddress.inCidr(dst, c)))
        {
            plan.paths.add("drop-unallocated-cluster-ip");
            return Expectation.of(Verdict.DROP, Reason.UNALLOCATED_CLUSTER_IP, null);
        }
        plan.paths.add("pass-no-frontend");
        return Expectation.of(Verdict.PASS, Reason.NONE, null);
    }

    /** §3: TCP SYN without RST, SCTP INIT, and every UDP packet may create an entry. */
    private static boolean opensFlow(final PacketTuple t)
    {
        if (t.protocol == PacketTuple.PROTO_TCP)
        {
            return (t.flags & PacketTuple.TCP_SYN) != 0 && (t.flags & PacketTuple.TCP_RST) == 0;
        }
        if (t.protocol == PacketTuple.PROTO_SCTP)
        {
            return (t.flags & PacketTuple.SCTP_INIT) != 0;
        }
        return true;
    }
}
