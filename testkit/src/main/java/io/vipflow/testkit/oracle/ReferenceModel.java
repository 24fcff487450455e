package io.vipflow.testkit.oracle;

import io.vipflow.ClassifierConfig;
import io.vipflow.Decision;
import io.vipflow.MidFlowPolicy;
import io.vipflow.Reason;
import io.vipflow.RemovedBackendPolicy;
import io.vipflow.Verdict;
import io.vipflow.conntrack.ConnState;
import io.vipflow.packet.PacketTuple;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.EndpointSpec;
import io.vipflow.service.NodeNetwork;
import io.vipflow.service.ProxyMode;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;
import io.vipflow.service.ServiceType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A deliberately simple, single-threaded reference model of docs/SEMANTICS.md §1-§5: what the classifier must do
 * with a packet, re-derived from the Service and EndpointSlice records alone. It shares no code with the classifier's
 * compiled tables; clarity is its only goal.
 * <p>
 * Use: apply every control-plane change to the model as it is published to the classifier; for each packet
 * call {@link #expect}, classify it for real, compare with {@link Expectation#check}, then {@link #commit} the
 * expectation with the backend the classifier chose (new flows may go to any allowed backend; the model then
 * remembers the actual one, as conntrack and affinity do). Packets from a backend to a client go through
 * {@link #expectReply} and {@code classifyReply} instead, and are committed the same way.
 * <p>
 * The classifier's sweeps need no counterpart here: the sweeper removes expired entries, which the model treats
 * as absent already, and UDP entries of backends no longer listed, which docs/SEMANTICS-CHOICES.md "Churn" says are
 * treated as purged anyway (every UDP packet opens a flow).
 */
public final class ReferenceModel
{
    private final String nodeName;
    private final List<String> nodeIps = new ArrayList<>();
    private final ClassifierConfig config;
    private NodeNetwork network = NodeNetwork.defaults();
    private final TreeMap<String, ServiceSpec> services = new TreeMap<>();
    private final Map<String, EndpointSliceSpec> slices = new HashMap<>();
    private final ConnectionRecords records = new ConnectionRecords();
    private final Map<String, Long> pathCounts = new TreeMap<>();

    /** Derived from the records above after every change: frontend match key to frontend. */
    private Map<String, ModelFrontend> frontends = Map.of();
    /** Derived: Service port key (Service, port, protocol, family) to its listed backends and sets. */
    private Map<String, BackendSelection> selections = Map.of();
    /** Derived: "portKey backendName" to the incarnation of that backend while it stays listed. */
    private Map<String, Long> incarnations = Map.of();
    /**
     * Derived: "portKey backendName incarnation" of every backend incarnation that left a Service port which is still
     * there; flows that name one may go on under the KEEP and DRAIN removed-backend policies.
     */
    private Set<String> departed = Set.of();
    private long lastIncarnation;

    private Expectation pendingExpectation;
    private Plan pendingPlan;
    /** The scheduler (and its flags) of Services that name none, as the control plane's default. */
    private String defaultScheduler = "maglev";
    private String defaultSchedulerFlags = "";
    private ProxyMode proxyMode = ProxyMode.NFTABLES;

    /** What {@link #commit} applies for the expectation last returned. */
    private static final class Plan
    {
        String flowKey;
        String client;
        boolean deleteEntry;
        ConnectionRecords.Conn updatedEntry;
        String newFlowPortKey;
        int newFlowState;
        long newFlowExpiry;
        boolean rememberAffinity;
        long affinityExpiry;
        List<ReplyLookup.Match> replies = List.of();
        final List<String> paths = new ArrayList<>();
        long nowNanos;
        /** Decide as if the table had evicted what it may evict: the flow's entry unless ESTABLISHED, affinity. */
        boolean afterEviction;
        /** The flow entry's state before this packet, for {@link #updatedEntry}. */
        int previousState;
    }

    /**
     * @param nodeName this node's name ("" or null: no endpoint is local)
     * @param nodeIps  this node's addresses, the NodePort frontends
     * @param config   timeouts and policies; capacities are ignored (the model never fills up)
     */
    public ReferenceModel(final String nodeName, final List<String> nodeIps, final ClassifierConfig config)
    {
        this.nodeName = nodeName == null ? "" : nodeName;
        for (final String ip : nodeIps)
        {
            this.nodeIps.add(ModelAddress.canonical(ip));
        }
        this.config = config;
    }

    /**
     * The node's zone, cluster and Service CIDRs and masquerade-all; effective for the next packet.
     *
     * @param next the node's network
     */
    public void nodeNetwork(final NodeNetwork next)
    {
        network = next;
        rebuild();
    }

    /**
     * The scheduler of Services that name none, as given to the control plane (default {@code maglev}). The model
     * does not run schedulers; it only needs to know which of them may find no destination for a new flow.
     *
     * @param name  the scheduler's name
     * @param flags its flags, or null
     * @return this
     */
    public ReferenceModel defaultScheduler(final String name, final String flags)
    {
        this.defaultScheduler = name;
        this.defaultSchedulerFlags = flags == null ? "" : flags;
        return this;
    }

    /**
     * The kube-proxy mode reproduced, as given to the control plane (default nftables).
     *
     * @param mode the mode
     * @return this
     */
    public ReferenceModel proxyMode(final ProxyMode mode)
    {
        this.proxyMode = mode;
        rebuild();
        return this;
    }

    /**
     * Adds or replaces a Service; effective for the next packet.
     *
     * @param spec the Service
     */
    public void upsertService(final ServiceSpec spec)
    {
        for (final List<String> ips : List.of(spec.clusterIps(), spec.externalIps(), spec.loadBalancerIps()))
        {
            ips.forEach(ModelAddress::canonical);
        }
        spec.loadBalancerSourceRanges().forEach(cidr -> ModelAddress.inCidr("0.0.0.0", cidr));
        services.put(spec.key(), spec);
        rebuild();
    }

    /**
     * Removes a Service (§4: its frontends stop matching). Its slices stay and count again if it returns.
     *
     * @param namespace the Service's namespace
     * @param name      its name
     */
    public void deleteService(final String namespace, final String name)
    {
        services.remove(namespace + "/" + name);
        rebuild();
    }

    /**
     * Adds or replaces an EndpointSlice; effective for the next packet.
     *
     * @param slice the slice
     */
    public void upsertSlice(final EndpointSliceSpec slice)
    {
        for (final EndpointSpec e : slice.endpoints())
        {
            for (final String address : e.addresses())
            {
                if (ModelAddress.isIpv6(ModelAddress.canonical(address)) != slice.ipv6())
                {
                    throw new IllegalArgumentException("address " + address + " is not of the family of " +
                        slice.key());
                }
            }
        }
        slices.put(slice.key(), slice);
        rebuild();
    }

    /**
     * Removes an EndpointSlice; effective for the next packet.
     *
     * @param namespace the slice's namespace
     * @param name      its name
     */
    public void deleteSlice(final String namespace, final String name)
    {
        slices.remove(namespace + "/" + name);
        rebuild();
    }

    /**
     * The listed backends and sets of one Service port in one family, or null when that port has no frontend
     * of the family (then nothing is listed for it).
     *
     * @param namespace the Service's namespace
     * @param name      its name
     * @param port      the Service port
     * @param ipv6      the family
     * @return the selection, or null
     */
    public BackendSelection selection(final String namespace, final String name, final ServicePortSpec port,
        final boolean ipv6)
    {
        final ServiceSpec service = services.get(namespace + "/" + name);
        return service == null ? null : selections.get(ModelFrontend.portKey(service, port, ipv6));
    }

    /**
     * Service ports (per family) that have at least one frontend, whether or not they won it.
     *
     * @return their count
     */
    public int servicePortCount()
    {
        return selections.size();
    }

    /**
     * How often each decision path was committed, by name; for coverage checks.
     *
     * @return the counts, sorted by path
     */
    public Map<String, Long> pathCounts()
    {
        return new TreeMap<>(pathCounts);
    }

    /**
     * Connection entries alive at {@code nowNanos}.
     *
     * @param nowNanos the time
     * @return their count
     */
    public int liveConnections(final long nowNanos)
    {
        return records.liveConnections(nowNanos);
    }

    /**
     * What the classifier must do with this packet at this time. Does not change the model: pass the result to
     * {@link #commit} once the real decision is known.
     *
     * @param t        the client's packet
     * @param nowNanos its time
     * @return what the classifier must do
     */
    public Expectation expect(final PacketTuple t, final long nowNanos)
    {
        final Plan plan = new Plan();
        plan.nowNanos = nowNanos;
        return pend(decide(t, nowNanos, plan), plan);
    }

    /**
     * {@link #expect} as if the connection table had evicted, to make room for other flows, everything of this
     * packet's it may evict: the flow's entry unless it is an ESTABLISHED TCP entry, and the client's affinity
     * record. A table smaller than its traffic may do so at any moment, so a decision this allows is correct too.
     * Does not change the model: pass the result to {@link #commit}.
     *
     * @param t        the client's packet
     * @param nowNanos its time
     * @return what the classifier may do
     */
    public Expectation expectAfterEviction(final PacketTuple t, final long nowNanos)
    {
        final Plan plan = new Plan();
        plan.nowNanos = nowNanos;
        plan.afterEviction = true;
        return pend(decide(t, nowNanos, plan), plan);
    }

    /**
     * What the classifier must do with a packet from a backend to a client (its {@code classifyReply}): REPLY
     * when it answers a live flow to that backend, else PASS (see {@link ReplyLookup}). Does not change the
     * model: pass the result to {@link #commit}, which restarts the answered flow's timer.
     *
     * @param t        the backend's packet
     * @param nowNanos its time
     * @return what the classifier must do
     */
    public Expectation expectReply(final PacketTuple t, final long nowNanos)
    {
        final Plan plan = new Plan();
        plan.nowNanos = nowNanos;
        plan.replies = ReplyLookup.matches(t, nowNanos, frontends.values(), selections, records,
            (portKey, c) -> isListed(portKey, c.portKey(), c.backend(), c.incarnation()), config.timeouts());
        plan.paths.add(plan.replies.isEmpty() ? "reply-miss" : plan.replies.size() == 1 ? "reply-hit" :
            "reply-hit-ambiguous");
        return pend(ReplyLookup.expectation(plan.replies), plan);
    }

    private Expectation pend(final Expectation e, final Plan plan)
    {
        pendingExpectation = e;
        pendingPlan = plan;
        return e;
    }

    /**
     * Applies an expectation from {@link #expectAfterEviction} whose decision was a refusal (the table was full):
     * the flow's evicted entry is forgotten and nothing is recorded for the packet.
     *
     * @param e the expectation
     */
    public void commitTableFull(final Expectation e)
    {
        if (e != pendingExpectation || !pendingPlan.afterEviction)
        {
            throw new IllegalStateException("commitTableFull must follow the expectAfterEviction call that returned " +
                e);
        }
        if (pendingPlan.deleteEntry)
        {
            records.removeConnection(pendingPlan.flowKey);
        }
        pendingPlan.paths.forEach(path -> pathCounts.merge(path, 1L, Long::sum));
        pathCounts.merge("table-full", 1L, Long::sum);
        pendingExpectation = null;
        pendingPlan = null;
    }

    /**
     * {@link #commit(Expectation, String, String)} with the backend and frontend the decision names.
     *
     * @param e the expectation
     * @param d the classifier's decision
     */
    public void commit(final Expectation e, final Decision d)
    {
        commit(e, d.backend() == null ? null : d.backend().name, Expectation.frontendOf(d));
    }

    /**
     * {@link #commit(Expectation, String, String)} without a frontend (enough unless a reply is ambiguous).
     *
     * @param e                 the expectation
     * @param actualBackendName the chosen backend's name for DNAT; ignored otherwise
     */
    public void commit(final Expectation e, final String actualBackendName)
    {
        commit(e, actualBackendName, null);
    }

    /**
     * Applies the expectation last returned by {@link #expect} or {@link #expectReply}: deletes or updates the
     * flow's entry, for a new flow records the backend the classifier actually chose (entry and affinity
     * record), for a reply restarts the timer of the flow it answered.
     *
     * @param e                 the expectation
     * @param actualBackendName the chosen backend's name for DNAT; ignored otherwise
     * @param actualFrontend    for REPLY, the frontend the classifier named ({@code ip:port}); may be null when
     *                          only one flow matches
     */
    public void commit(final Expectation e, final String actualBackendName, final String actualFrontend)
    {
        if (e != pendingExpectation)
        {
            throw new IllegalStateException("commit must follow the expect call that returned " + e);
        }
        final Plan plan = pendingPlan;
        pendingExpectation = null;
        pendingPlan = null;
        if (plan.deleteEntry)
        {
            records.removeConnection(plan.flowKey);
        }
        if (plan.updatedEntry != null)
        {
            records.putConnection(plan.flowKey, plan.updatedEntry, plan.previousState);
        }
        if (!plan.replies.isEmpty())
        {
            final ReplyLookup.Match taken = ReplyLookup.taken(plan.replies, actualFrontend);
            records.putConnection(taken.flowKey(), taken.restarted());
        }
        if (plan.newFlowPortKey != null && actualBackendName == null && !e.alternatives().isEmpty())
        {
            // The scheduler found no destination (the REJECT alternative): no entry, no affinity record.
            plan.paths.set(plan.paths.size() - 1, "reject-no-destination");
        }
        else if (plan.newFlowPortKey != null)
        {
            if (!e.allowedBackends().contains(actualBackendName))
            {
                throw new IllegalArgumentException(actualBackendName + " is not allowed by " + e);
            }
            final long incarnation = incarnations.get(plan.newFlowPortKey + " " + actualBackendName);
            records.putConnection(plan.flowKey, new ConnectionRecords.Conn(plan.newFlowPortKey, actualBackendName,
                incarnation, plan.newFlowState, plan.newFlowExpiry));
            if (plan.rememberAffinity)
            {
                // §5: the timer restarts with each new connection.
                records.remember(plan.client, plan.newFlowPortKey,
                    new ConnectionRecords.Affinity(actualBackendName, incarnation, plan.affinityExpiry));
            }
        }
        for (final String path : plan.paths)
        {
            pathCounts.merge(path, 1L, Long::sum);
        }
        records.forgetExpiredIfGrown(plan.nowNanos);
    }

    /**
     * Connection sync (docs/SYNC.md): takes every live entry of {@code other}'s for a flow this model has none for.
     * Backend incarnations are each model's own, so an entry's backend keeps counting as listed here only if it is
     * still the incarnation {@code other} scheduled the flow to; otherwise the entry names a removed backend, as a
     * synced entry for a backend no longer listed does in the classifier.
     */
    void adoptConnections(final ReferenceModel other, final long nowNanos)
    {
        records.adoptLive(other.records, nowNanos, c ->
        {
            final String key = c.portKey() + " " + c.backend();
            final Long theirs = other.incarnations.get(key);
            final Long mine = incarnations.get(key);
            final long incarnation = theirs != null && theirs == c.incarnation() && mine != null ? mine : -1;
            return new ConnectionRecords.Conn(c.portKey(), c.backend(), incarnation, c.state(), c.expiry());
        });
    }

    /** Connection and affinity records held, expired ones included until they are forgotten. */
    int heldRecords()
    {
        return records.held();
    }

    private Expectation decide(final PacketTuple t, final long nowNanos, final Plan plan)
    {
        final String src = ModelAddress.fromTuple(t.ipv6, t.srcHi, t.srcLo);
        final String dst = ModelAddress.fromTuple(t.ipv6, t.dstHi, t.dstLo);
        // §1: exact match on (address, port, protocol); no match means the packet is not ours.
        final ModelFrontend frontend = frontends.get(ModelFrontend.matchKey(t.protocol, dst, t.dstPort));
        if (frontend == null)
        {
            final boolean clusterIp = services.values().stream().anyMatch(s -> s.type() != ServiceType.EXTERNAL_NAME &&
                s.clusterIps().stream().anyMatch(ip -> ModelAddress.canonical(ip).equals(dst)));
            // kube-proxy nftables cluster-ips-check and IPVS KUBE-IPVS-FILTER: a ClusterIP on a port it does not
            // serve is rejected; iptables has no such rule.
            if (clusterIp && proxyMode != ProxyMode.IPTABLES)
            {
                plan.paths.add("reject-unserved-port");
                return Expectation.of(Verdict.REJECT, Reason.UNSERVED_PORT, null);
            }
            // kube-proxy nftables: an address of a Service CIDR that is no Service's ClusterIP is dropped.
            if (!clusterIp && proxyMode == ProxyMode.NFTABLES &&
                network.serviceCidrs().stream().anyMatch(c -> ModelAddress.inCidr(dst, c)))
            {
                plan.paths.add("drop-unallocated-cluster-ip");
                return Expectation.of(Verdict.DROP, Reason.UNALLOCATED_CLUSTER_IP, null);
            }
            plan.paths.add("pass-no-frontend");
            return Expectation.of(Verdict.PASS, Reason.NONE, null);
        }
        final String label = frontend.label();
        final boolean tcp = t.protocol == PacketTuple.PROTO_TCP;
        final boolean opening = opensFlow(t);
        final String portKey = frontend.portKey();
        final BackendSelection selection = selections.get(portKey);
        // Where the packet comes from: a pod (inside a cluster CIDR), the node itself, or elsewhere.
        final boolean fromPod = network.clusterCidrs().stream().anyMatch(c -> ModelAddress.inCidr(src, c));
        final boolean fromNode = nodeIps.contains(src);
        // kube-proxy's external chain under eTP:Local sends pods and the node to the cluster endpoints (nftables,
        // iptables); an IPVS virtual service knows no source.
        final boolean shortCircuit = frontend.kind().external && proxyMode != ProxyMode.IPVS && (fromPod || fromNode);
        final Set<String> usable = selection.setFor(frontend.localPolicy() && !shortCircuit);
        final boolean masquerade = masquerade(frontend, src, fromPod, fromNode);
        plan.flowKey = ConnectionRecords.flowKey(t.protocol, src, t.srcPort, dst, t.dstPort);
        plan.client = src;

        boolean rescheduled = false;
        final ConnectionRecords.Conn recorded = records.liveConnection(plan.flowKey, nowNanos);
        // The table never evicts an ESTABLISHED TCP entry (ConnTable#getOrCreate's eviction order).
        final ConnectionRecords.Conn entry = plan.afterEviction && recorded != null &&
            records.mayBeEvicted(plan.flowKey, recorded) ? null : recorded;
        if (entry != recorded)
        {
            plan.deleteEntry = true;
            plan.paths.add("evicted-entry");
        }
        if (entry == null && records.hasExpiredConnection(plan.flowKey, nowNanos))
        {
            plan.paths.add("expired-entry");
        }
        if (entry != null)
        {
            final RemovedBackendPolicy removedPolicy = config.removedBackendPolicy();
            if (!isListed(portKey, entry.portKey(), entry.backend(), entry.incarnation()) && !opening &&
                (removedPolicy == RemovedBackendPolicy.KEEP || removedPolicy == RemovedBackendPolicy.DRAIN && tcp) &&
                departed.contains(departedKey(portKey, entry)))
            {
                // KEEP (nftables/iptables conntrack) and DRAIN (IPVS graceful deletion, TCP only): the flow goes on
                // to the backend that left its Service port, the port itself still being there.
                final int next = tcp ? TcpTransitions.next(entry.state(), t.flags) : entry.state();
                plan.previousState = entry.state();
                plan.updatedEntry = new ConnectionRecords.Conn(entry.portKey(), entry.backend(),
                    entry.incarnation(), next, nowNanos + config.timeouts().nanos(next));
                plan.paths.add("removed-keep");
                return Expectation.dnat(label, Set.of(entry.backend()), false).masquerading(masquerade, src);
            }
            if (!isListed(portKey, entry.portKey(), entry.backend(), entry.incarnation()))
            {
                // §4: the backend left the slices; the flow must never reach it again.
                plan.deleteEntry = true;
                rescheduled = true;
                if (!opening && removedPolicy != RemovedBackendPolicy.RESCHEDULE)
                {
                    plan.paths.add("removed-drop");
                    return Expectation.of(Verdict.DROP, Reason.BACKEND_REMOVED, label);
                }
                plan.paths.add(tcp ? "removed-reschedule-tcp" : "removed-reschedule-other");
            }
            else if (tcp && opening &&
                (entry.state() == ConnState.TIME_WAIT || entry.state() == ConnState.CLOSE))
            {
                // §3 conn_reuse_mode: a SYN on a closed entry is a new connection.
                plan.deleteEntry = true;
                rescheduled = true;
                plan.paths.add("reuse-closed");
            }
            else if (tcp && opening && !usable.contains(entry.backend()))
            {
                // §3: a SYN on an entry whose backend is quiesced is rescheduled.
                plan.deleteEntry = true;
                rescheduled = true;
                plan.paths.add("reuse-quiesced");
            }
            else
            {
                // §3/§4: later packets of a flow stay on its backend while it is listed; timeout restarts.
                final int next = tcp ? TcpTransitions.next(entry.state(), t.flags) : entry.state();
                plan.previousState = entry.state();
                plan.updatedEntry = new ConnectionRecords.Conn(entry.portKey(), entry.backend(),
                    entry.incarnation(), next, nowNanos + config.timeouts().nanos(next));
                plan.paths.add(usable.contains(entry.backend()) ? "established" : "established-unusable-backend");
                return Expectation.dnat(label, Set.of(entry.backend()), false).masquerading(masquerade, src);
            }
        }

        if (!frontend.admits(src))
        {
            // §1: the ranges filter what would start a connection (kube-proxy: ct state new), before anything else.
            plan.paths.add("drop-source-range");
            return Expectation.of(Verdict.DROP, Reason.SOURCE_RANGE, label);
        }
        if (!opening && !rescheduled)
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
            if (remembered != null && isListed(portKey, portKey, remembered.backend(), remembered.incarnation()) &&
                usable.contains(remembered.backend()))
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
        plan.paths.add(rescheduled ? "new-flow-rescheduled" : "new-flow");
        if (shortCircuit && frontend.localPolicy())
        {
            plan.paths.add(fromPod ? "short-circuit-pod" : "short-circuit-node");
        }
        if (masquerade)
        {
            plan.paths.add("masquerade");
        }
        final List<Expectation> outcomes = new ArrayList<>(List.of(Expectation.dnat(label, allowed, true)
            .masquerading(masquerade, src)));
        if (plan.afterEviction)
        {
            // A table full of flows it may not evict refuses the new one (ConnTable#getOrCreate answers FULL).
            outcomes.add(Expectation.of(Verdict.DROP, Reason.TABLE_FULL, label));
        }
        if (allowed == usable && mayFindNoDestination(frontend.service(), portKey, selection, usable))
        {
            // IPVS ip_vs_leave: the scheduler returned no destination; the packet is refused (ICMP port unreachable).
            outcomes.add(Expectation.of(Verdict.REJECT, Reason.NO_DESTINATION, label));
        }
        return outcomes.size() == 1 ? outcomes.get(0) : Expectation.anyOf(outcomes);
    }

    /**
     * kube-proxy masquerades (besides hairpin, which {@link Expectation} checks against the chosen backend): a
     * ClusterIP under masquerade-all, or from outside the cluster CIDRs when some are known for the family; an
     * external frontend under a Cluster policy always; under a Local policy only from the node itself (pods are
     * short-circuited first).
     */
    private boolean masquerade(final ModelFrontend frontend, final String src, final boolean fromPod,
        final boolean fromNode)
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
        return proxyMode != ProxyMode.IPVS && !fromPod && fromNode;
    }

    /**
     * True when the Service port's scheduler may return no destination although {@code usable} is not empty:
     * {@code sh}, {@code dh} and {@code mh} without their fallback flag when a listed backend is quiesced (it keeps
     * its buckets at weight 0), or in the IPVS profile when an endpoint that left the port may still be draining at
     * weight 0 (the model does not follow connection counts, so any that left may), and {@code ovf} always (a
     * destination whose active connections exceed its weight is skipped, {@code ip_vs_ovf_schedule}).
     */
    private boolean mayFindNoDestination(final ServiceSpec service, final String portKey,
        final BackendSelection selection, final Set<String> usable)
    {
        final String name = service.scheduler() == null ? defaultScheduler : service.scheduler();
        final String flags = service.scheduler() == null ? defaultSchedulerFlags :
            service.schedulerFlags() == null ? "" : service.schedulerFlags();
        if (name.equals("ovf"))
        {
            return true;
        }
        if (!name.equals("sh") && !name.equals("dh") && !name.equals("mh"))
        {
            return false;
        }
        final boolean mayDrain = proxyMode == ProxyMode.IPVS && departed.stream()
            .anyMatch(k -> k.startsWith(portKey + " "));
        return !List.of(flags.split(",")).contains(name + "-fallback") &&
            (usable.size() < selection.listed().size() || mayDrain);
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

    /**
     * True when the backend a record names is still listed for the frontend's Service port: same port, and the
     * same incarnation (it has not left the slices since). Conditions do not matter (§4).
     */
    private boolean isListed(final String frontendPortKey, final String recordPortKey, final String backend,
        final long incarnation)
    {
        final Long current = incarnations.get(frontendPortKey + " " + backend);
        return frontendPortKey.equals(recordPortKey) && current != null && current == incarnation;
    }

    /**
     * IPVS mode: a Local policy with no local endpoint uses the cluster endpoints (ipvs/proxier.go
     * {@code syncEndpoint}); the nftables and iptables modes drop instead (§2 rule 5).
     */
    private BackendSelection ipvsFallback(final BackendSelection s)
    {
        return proxyMode == ProxyMode.IPVS && s.local().isEmpty() ? new BackendSelection(s.listed(), s.cluster(),
            s.cluster()) : s;
    }

    /** Re-derives frontends, backend selections and incarnations from the held records. */
    private void rebuild()
    {
        final Map<String, ModelFrontend> nextFrontends = new HashMap<>();
        final Map<String, BackendSelection> nextSelections = new HashMap<>();
        // §1 conflicts: the first claim of a frontend keeps it. Services go in namespace/name order; within one,
        // ports in spec order, IPv4 before IPv6, then clusterIPs, externalIPs, load-balancer IPs, node ports.
        for (final ServiceSpec service : services.values())
        {
            if (service.type() == ServiceType.EXTERNAL_NAME)
            {
                continue;
            }
            final List<EndpointSliceSpec> own = new ArrayList<>();
            for (final EndpointSliceSpec slice : slices.values())
            {
                if (slice.serviceKey().equals(service.key()))
                {
                    own.add(slice);
                }
            }
            for (final ServicePortSpec port : service.ports())
            {
                for (final boolean ipv6 : new boolean[] {false, true})
                {
                    final List<ModelFrontend> reachable = ModelFrontend.of(service, port, ipv6, nodeIps, proxyMode);
                    if (reachable.isEmpty())
                    {
                        continue;
                    }
                    nextSelections.put(ModelFrontend.portKey(service, port, ipv6),
                        ipvsFallback(EndpointSelection.select(nodeName, network.zone(), network.preferSameNode(),
                            port, ipv6, own)));
                    for (final ModelFrontend f : reachable)
                    {
                        nextFrontends.putIfAbsent(f.matchKey(), f);
                    }
                }
            }
        }
        final Map<String, Long> nextIncarnations = new HashMap<>();
        for (final Map.Entry<String, BackendSelection> e : nextSelections.entrySet())
        {
            for (final String backend : e.getValue().listed().keySet())
            {
                final String key = e.getKey() + " " + backend;
                final Long previous = incarnations.get(key);
                nextIncarnations.put(key, previous != null ? previous : ++lastIncarnation);
            }
        }
        final Set<String> nextDeparted = new HashSet<>();
        for (final String key : departed)
        {
            if (nextSelections.containsKey(key.substring(0, key.indexOf(' '))))
            {
                nextDeparted.add(key);
            }
        }
        for (final Map.Entry<String, Long> e : incarnations.entrySet())
        {
            final String portKey = e.getKey().substring(0, e.getKey().indexOf(' '));
            if (nextSelections.containsKey(portKey) && !e.getValue().equals(nextIncarnations.get(e.getKey())))
            {
                nextDeparted.add(e.getKey() + " " + e.getValue());
            }
        }
        frontends = nextFrontends;
        selections = nextSelections;
        incarnations = nextIncarnations;
        departed = nextDeparted;
    }

    private static String departedKey(final String portKey, final ConnectionRecords.Conn entry)
    {
        return portKey + " " + entry.backend() + " " + entry.incarnation();
    }
}
