package io.vipflow.testkit.oracle;

import io.vipflow.ClassifierConfig;
import io.vipflow.Reason;
import io.vipflow.RemovedBackendPolicy;
import io.vipflow.Verdict;
import io.vipflow.conntrack.ConnState;
import io.vipflow.packet.PacketTuple;

import java.util.Set;

/**
 * The reference model's rules for a packet of a flow that has a connection entry (docs/SEMANTICS.md §3, §4): the
 * flow goes on to its backend, or its entry is dropped and the flow scheduled afresh, or the packet is dropped. A
 * packet whose entry has expired, or may have been evicted, finds none.
 * <p>
 * Single-threaded: owned by one {@link ReferenceModel}, which calls it from the thread that drives it. Reads the
 * records and tables only; what the decision changes goes into the {@link PacketPlan}.
 */
final class FlowEntryRules
{
    private final ClassifierConfig config;
    private final ServiceTables tables;
    private final ConnectionRecords records;

    FlowEntryRules(final ClassifierConfig config, final ServiceTables tables, final ConnectionRecords records)
    {
        this.config = config;
        this.tables = tables;
        this.records = records;
    }

    /**
     * The decision the flow's live entry makes for the packet, or null when there is no entry to go on with (none,
     * expired, evicted, or dropped for a fresh schedule, which {@link PacketPlan#rescheduled} then says).
     *
     * @param opening whether the packet may open a flow (§3)
     * @param usable  the backends a new flow of this packet could go to
     */
    Expectation decide(final PacketTuple t, final long nowNanos, final PacketPlan plan, final ModelFrontend frontend,
        final boolean opening, final Set<String> usable, final ClientOrigin origin)
    {
        final String label = frontend.label();
        final String portKey = frontend.portKey();
        final boolean tcp = t.protocol == PacketTuple.PROTO_TCP;
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
        if (entry == null)
        {
            return null;
        }
        final boolean listed = tables.isListed(portKey, entry.portKey(), entry.backend(), entry.incarnation());
        final RemovedBackendPolicy removedPolicy = config.removedBackendPolicy();
        if (!listed && !opening &&
            (removedPolicy == RemovedBackendPolicy.KEEP || removedPolicy == RemovedBackendPolicy.DRAIN && tcp) &&
            tables.departed(portKey, entry))
        {
            // KEEP (nftables/iptables conntrack) and DRAIN (IPVS graceful deletion, TCP only): the flow goes on
            // to the backend that left its Service port, the port itself still being there.
            plan.paths.add("removed-keep");
            return goOn(t, nowNanos, plan, entry, label, origin);
        }
        if (!listed)
        {
            // §4: the backend left the slices; the flow must never reach it again.
            plan.deleteEntry = true;
            plan.rescheduled = true;
            if (!opening && removedPolicy != RemovedBackendPolicy.RESCHEDULE)
            {
                plan.paths.add("removed-drop");
                return Expectation.of(Verdict.DROP, Reason.BACKEND_REMOVED, label);
            }
            plan.paths.add(tcp ? "removed-reschedule-tcp" : "removed-reschedule-other");
            return null;
        }
        if (tcp && opening && (entry.state() == ConnState.TIME_WAIT || entry.state() == ConnState.CLOSE))
        {
            // §3 conn_reuse_mode: a SYN on a closed entry is a new connection.
            plan.deleteEntry = true;
            plan.rescheduled = true;
            plan.paths.add("reuse-closed");
            return null;
        }
        if (tcp && opening && !usable.contains(entry.backend()))
        {
            // §3: a SYN on an entry whose backend is quiesced is rescheduled.
            plan.deleteEntry = true;
            plan.rescheduled = true;
            plan.paths.add("reuse-quiesced");
            return null;
        }
        // §3/§4: later packets of a flow stay on its backend while it is listed; timeout restarts.
        plan.paths.add(usable.contains(entry.backend()) ? "established" : "established-unusable-backend");
        return goOn(t, nowNanos, plan, entry, label, origin);
    }

    /** The flow goes on to its entry's backend: the entry moves to its next state and its timer restarts. */
    private Expectation goOn(final PacketTuple t, final long nowNanos, final PacketPlan plan,
        final ConnectionRecords.Conn entry, final String label, final ClientOrigin origin)
    {
        final int next = t.protocol == PacketTuple.PROTO_TCP ? TcpTransitions.next(entry.state(), t.flags) :
            entry.state();
        plan.previousState = entry.state();
        // The timer restarts with the refresh grain (ConnTimeouts): no write while the deadline lies far enough ahead.
        final long expiry = config.timeouts().restartedDeadline(entry.state(), next, entry.expiry(), nowNanos);
        plan.updatedEntry = new ConnectionRecords.Conn(entry.portKey(), entry.backend(), entry.incarnation(), next,
            expiry);
        return origin.applyTo(Expectation.dnat(label, Set.of(entry.backend()), false));
    }
}
