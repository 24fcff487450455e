package io.vipflow.testkit.oracle;

import io.vipflow.ClassifierConfig;
import io.vipflow.Decision;
import io.vipflow.packet.PacketTuple;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.NodeNetwork;
import io.vipflow.service.ProxyMode;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;

import java.util.List;
import java.util.Map;
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
    private final ClassifierConfig config;
    private final ServiceTables tables;
    private final ConnectionRecords records = new ConnectionRecords();
    private final SchedulerChoice scheduler = new SchedulerChoice();
    private final PacketRules rules;
    private final Map<String, Long> pathCounts = new TreeMap<>();

    private Expectation pendingExpectation;
    private PacketPlan pendingPlan;

    /**
     * @param nodeName this node's name ("" or null: no endpoint is local)
     * @param nodeIps  this node's addresses, the NodePort frontends
     * @param config   timeouts and policies; capacities are ignored (the model never fills up)
     */
    public ReferenceModel(final String nodeName, final List<String> nodeIps, final ClassifierConfig config)
    {
        this.config = config;
        this.tables = new ServiceTables(nodeName, nodeIps);
        this.rules = new PacketRules(config, tables, records, scheduler);
    }

    /**
     * The node's zone, cluster and Service CIDRs and masquerade-all; effective for the next packet.
     *
     * @param next the node's network
     */
    public void nodeNetwork(final NodeNetwork next)
    {
        tables.network(next);
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
        scheduler.defaultScheduler(name, flags);
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
        tables.proxyMode(mode);
        return this;
    }

    /**
     * Adds or replaces a Service; effective for the next packet.
     *
     * @param spec the Service
     */
    public void upsertService(final ServiceSpec spec)
    {
        tables.upsertService(spec);
    }

    /**
     * Removes a Service (§4: its frontends stop matching). Its slices stay and count again if it returns.
     *
     * @param namespace the Service's namespace
     * @param name      its name
     */
    public void deleteService(final String namespace, final String name)
    {
        tables.deleteService(namespace, name);
    }

    /**
     * Adds or replaces an EndpointSlice; effective for the next packet.
     *
     * @param slice the slice
     */
    public void upsertSlice(final EndpointSliceSpec slice)
    {
        tables.upsertSlice(slice);
    }

    /**
     * Removes an EndpointSlice; effective for the next packet.
     *
     * @param namespace the slice's namespace
     * @param name      its name
     */
    public void deleteSlice(final String namespace, final String name)
    {
        tables.deleteSlice(namespace, name);
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
        return tables.selection(namespace, name, port, ipv6);
    }

    /**
     * Service ports (per family) that have at least one frontend, whether or not they won it.
     *
     * @return their count
     */
    public int servicePortCount()
    {
        return tables.selections().size();
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
        final PacketPlan plan = new PacketPlan(nowNanos, false);
        return pend(rules.decide(t, nowNanos, plan), plan);
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
        final PacketPlan plan = new PacketPlan(nowNanos, true);
        return pend(rules.decide(t, nowNanos, plan), plan);
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
        final PacketPlan plan = new PacketPlan(nowNanos, false);
        plan.replies = ReplyLookup.matches(t, nowNanos, tables.frontends(), tables.selections(), records,
            (portKey, c) -> tables.isListed(portKey, c.portKey(), c.backend(), c.incarnation()), config.timeouts());
        plan.paths.add(plan.replies.isEmpty() ? "reply-miss" : plan.replies.size() == 1 ? "reply-hit" :
            "reply-hit-ambiguous");
        return pend(ReplyLookup.expectation(plan.replies), plan);
    }

    private Expectation pend(final Expectation e, final PacketPlan plan)
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
        final PacketPlan plan = pendingPlan;
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
            final long incarnation = tables.incarnation(plan.newFlowPortKey, actualBackendName);
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
            final Long theirs = other.tables.incarnation(c.portKey(), c.backend());
            final Long mine = tables.incarnation(c.portKey(), c.backend());
            final long incarnation = theirs != null && theirs == c.incarnation() && mine != null ? mine : -1;
            return new ConnectionRecords.Conn(c.portKey(), c.backend(), incarnation, c.state(), c.expiry());
        });
    }

    /** Connection and affinity records held, expired ones included until they are forgotten. */
    int heldRecords()
    {
        return records.held();
    }
}
