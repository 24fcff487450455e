package io.vipflow.testkit.oracle;

import io.vipflow.Reason;
import io.vipflow.Verdict;
import io.vipflow.conntrack.ConnTimeouts;
import io.vipflow.packet.PacketTuple;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * docs/SEMANTICS.md §3 "Replies" (a backend's answer matches its flow's reversed tuple), as
 * docs/SEMANTICS-CHOICES.md "Replies" settles it, for the reference model: for each frontend through which a flow
 * could have reached the backend (a frontend of a Service port that lists it, whatever its conditions), the
 * client-to-frontend entry is looked up; a live entry that names that backend makes the packet a REPLY through that
 * frontend, and its timer restarts in its current state (the TCP state does not change: vipflow follows the
 * input-direction table only).
 * <p>
 * When one client port has live flows to the answering backend through several frontends, the reply tuple
 * cannot tell them apart: the answer is equally right through any of them (a kernel conntrack would have
 * remapped the second flow's port on the reply-tuple clash; vipflow does not), and docs/SEMANTICS-CHOICES.md fixes no
 * order. The model therefore accepts every one of them and restarts the timer of the one the classifier names.
 * (The classifier takes the first in the order frontends are claimed: Service key, port, IPv4 before IPv6,
 * clusterIPs, externalIPs, load-balancer IPs, node ports; nothing documents that order, so the model does not pin
 * it.)
 */
final class ReplyLookup
{
    /**
     * A flow the reply may answer.
     *
     * @param frontend  the frontend the flow came through
     * @param flowKey   the flow's client-to-frontend key
     * @param restarted the flow's entry with its timer restarted at the reply
     */
    record Match(ModelFrontend frontend, String flowKey, ConnectionRecords.Conn restarted)
    {
        String frontendSocket()
        {
            return ModelAddress.socket(frontend.address(), frontend.port());
        }
    }

    /** Whether a connection entry's backend is still listed for a frontend's Service port (§4). */
    @FunctionalInterface
    interface Listed
    {
        boolean test(String frontendPortKey, ConnectionRecords.Conn entry);
    }

    private ReplyLookup()
    {
    }

    /**
     * Every flow a backend-to-client packet answers, in a stable order (label, then frontend).
     *
     * @param frontends  the frontends in force (each won by one Service port)
     * @param selections Service port key to its listed backends
     */
    static List<Match> matches(final PacketTuple t, final long nowNanos, final Collection<ModelFrontend> frontends,
        final Map<String, BackendSelection> selections, final ConnectionRecords records, final Listed listed,
        final ConnTimeouts timeouts)
    {
        final String backend = ModelAddress.socket(ModelAddress.fromTuple(t.ipv6, t.srcHi, t.srcLo), t.srcPort);
        final String client = ModelAddress.fromTuple(t.ipv6, t.dstHi, t.dstLo);
        final List<Match> out = new ArrayList<>();
        for (final ModelFrontend f : frontends)
        {
            if (f.protocol() != t.protocol || f.ipv6() != t.ipv6 ||
                !selections.get(f.portKey()).listed().containsKey(backend))
            {
                continue;
            }
            final String flowKey = ConnectionRecords.flowKey(t.protocol, client, t.dstPort, f.address(), f.port());
            final ConnectionRecords.Conn entry = records.liveConnection(flowKey, nowNanos);
            if (entry != null && entry.backend().equals(backend) && listed.test(f.portKey(), entry))
            {
                // A reply restarts the timer as a client packet does, with the refresh grain (ConnTimeouts).
                final long expiry =
                    timeouts.restartedDeadline(entry.state(), entry.state(), entry.expiry(), nowNanos);
                out.add(new Match(f, flowKey, new ConnectionRecords.Conn(entry.portKey(), entry.backend(),
                    entry.incarnation(), entry.state(), expiry)));
            }
        }
        out.sort(Comparator.comparing((Match m) -> m.frontend().label()).thenComparing(Match::frontendSocket));
        return out;
    }

    /** REPLY through any of the matches, or PASS (reason NONE, no Service port) when there is none. */
    static Expectation expectation(final List<Match> matches)
    {
        if (matches.isEmpty())
        {
            return Expectation.of(Verdict.PASS, Reason.NONE, null);
        }
        final List<Expectation> options = new ArrayList<>();
        for (final Match m : matches)
        {
            options.add(Expectation.reply(m.frontend().label(), m.frontendSocket(), m.restarted().backend()));
        }
        return Expectation.anyOf(options);
    }

    /**
     * The match the classifier took, named by its frontend ({@code null} is accepted when there is only one).
     *
     * @throws IllegalArgumentException when no match has that frontend, or the name is needed and missing
     */
    static Match taken(final List<Match> matches, final String frontendSocket)
    {
        if (frontendSocket == null && matches.size() == 1)
        {
            return matches.get(0);
        }
        for (final Match m : matches)
        {
            if (m.frontendSocket().equals(frontendSocket))
            {
                return m;
            }
        }
        throw new IllegalArgumentException("the reply answers a flow through " +
            matches.stream().map(Match::frontendSocket).toList() + ", not through " + frontendSocket);
    }
}
