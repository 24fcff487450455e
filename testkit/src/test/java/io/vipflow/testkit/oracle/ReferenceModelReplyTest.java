package io.vipflow.testkit.oracle;

import io.vipflow.MidFlowPolicy;
import io.vipflow.Reason;
import io.vipflow.RemovedBackendPolicy;
import io.vipflow.Verdict;
import io.vipflow.packet.PacketTuple;
import io.vipflow.service.ServiceType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static io.vipflow.testkit.oracle.OracleFixtures.ACK;
import static io.vipflow.testkit.oracle.OracleFixtures.FIN;
import static io.vipflow.testkit.oracle.OracleFixtures.SECOND;
import static io.vipflow.testkit.oracle.OracleFixtures.SYN;
import static io.vipflow.testkit.oracle.OracleFixtures.endpoint;
import static io.vipflow.testkit.oracle.OracleFixtures.ready;
import static io.vipflow.testkit.oracle.OracleFixtures.sctp;
import static io.vipflow.testkit.oracle.OracleFixtures.service;
import static io.vipflow.testkit.oracle.OracleFixtures.tcp;
import static io.vipflow.testkit.oracle.OracleFixtures.udp;
import static io.vipflow.testkit.oracle.ReferenceModelTest.A;
import static io.vipflow.testkit.oracle.ReferenceModelTest.B;
import static io.vipflow.testkit.oracle.ReferenceModelTest.CLIENT;
import static io.vipflow.testkit.oracle.ReferenceModelTest.HTTP;
import static io.vipflow.testkit.oracle.ReferenceModelTest.HTTP_LABEL;
import static io.vipflow.testkit.oracle.ReferenceModelTest.NODE;
import static io.vipflow.testkit.oracle.ReferenceModelTest.PORTS;
import static io.vipflow.testkit.oracle.ReferenceModelTest.VIP;
import static io.vipflow.testkit.oracle.ReferenceModelTest.assertDnat;
import static io.vipflow.testkit.oracle.ReferenceModelTest.model;
import static io.vipflow.testkit.oracle.ReferenceModelTest.send;
import static io.vipflow.testkit.oracle.ReferenceModelTest.webModel;
import static io.vipflow.testkit.oracle.ReferenceModelTest.webSlice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reply paths of the reference model (docs/SEMANTICS.md §3 "Replies", docs/SEMANTICS-CHOICES.md "Replies"),
 * on the model alone: which answers are replies, through which frontend, and what they do to the flow's timer.
 */
class ReferenceModelReplyTest
{
    private static final String B_ADDRESS = "10.244.0.2";
    private static final String VIP_FRONTEND = "10.96.0.1:80";
    private static final String NODE_FRONTEND = "192.168.0.10:30080";

    /** expectReply + commit, naming {@code frontend} as the one the classifier took (null: the only one). */
    private static Expectation answer(final ReferenceModel m, final PacketTuple t, final long now,
        final String frontend)
    {
        final Expectation e = m.expectReply(t, now);
        m.commit(e, e.allowedBackends().isEmpty() ? null : e.allowedBackends().iterator().next(), frontend);
        return e;
    }

    private static Expectation answer(final ReferenceModel m, final PacketTuple t, final long now)
    {
        return answer(m, t, now, null);
    }

    private static void assertReply(final Expectation e, final String label, final String frontend,
        final String backend)
    {
        assertEquals(Verdict.REPLY, e.verdict(), e.toString());
        assertEquals(Reason.NONE, e.reason(), e.toString());
        assertEquals(label, e.servicePortLabel(), e.toString());
        assertEquals(frontend, e.frontend(), e.toString());
        assertEquals(Set.of(backend), e.allowedBackends(), e.toString());
        assertNull(e.newFlow(), e.toString());
        assertTrue(e.alternatives().isEmpty(), e.toString());
    }

    private static void assertPass(final Expectation e)
    {
        assertEquals(Verdict.PASS, e.verdict(), e.toString());
        assertEquals(Reason.NONE, e.reason(), e.toString());
        assertNull(e.servicePortLabel(), e.toString());
        assertNull(e.frontend(), e.toString());
        assertTrue(e.allowedBackends().isEmpty(), e.toString());
    }

    @Test
    void answerFromTheFlowsBackendToItsClientIsAReplyThroughItsFrontend()
    {
        final ReferenceModel m = webModel(MidFlowPolicy.SCHEDULE, RemovedBackendPolicy.DROP);
        send(m, tcp(CLIENT, 1, VIP, 80, SYN), 0, B);
        assertReply(answer(m, tcp(B_ADDRESS, 8080, CLIENT, 1, SYN | ACK), 1), HTTP_LABEL, VIP_FRONTEND, B);
        // Another backend, backend port, client port, client or protocol: not an answer to this flow.
        assertPass(answer(m, tcp("10.244.0.1", 8080, CLIENT, 1, ACK), 2));
        assertPass(answer(m, tcp(B_ADDRESS, 8081, CLIENT, 1, ACK), 2));
        assertPass(answer(m, tcp(B_ADDRESS, 8080, CLIENT, 2, ACK), 2));
        assertPass(answer(m, tcp(B_ADDRESS, 8080, "10.1.0.6", 1, ACK), 2));
        assertPass(answer(m, udp(B_ADDRESS, 8080, CLIENT, 1), 2));
        // The flow's own packet seen backwards (from the frontend) is not from a backend.
        assertPass(answer(m, tcp(VIP, 80, CLIENT, 1, ACK), 2));

        send(m, tcp(CLIENT, 3, "192.168.0.10", 30080, SYN), 0, A);
        assertReply(answer(m, tcp("10.244.0.1", 8080, CLIENT, 3, ACK), 1), HTTP_LABEL, NODE_FRONTEND, A);
        send(m, udp(CLIENT, 4, VIP, 53), 0, "10.244.0.2:5353");
        assertReply(answer(m, udp(B_ADDRESS, 5353, CLIENT, 4), 1), "default/web:53", "10.96.0.1:53",
            "10.244.0.2:5353");
        send(m, sctp(CLIENT, 5, VIP, 9, PacketTuple.SCTP_INIT), 0, "10.244.0.1:9999");
        assertReply(answer(m, sctp("10.244.0.1", 9999, CLIENT, 5, 0), 1), "default/web:assoc", "10.96.0.1:9",
            "10.244.0.1:9999");
        assertEquals(4L, m.pathCounts().get("reply-hit"));
        assertEquals(6L, m.pathCounts().get("reply-miss"));
    }

    @Test
    void replyRestartsTheTimerOfTheCurrentStateWithoutChangingIt()
    {
        final ReferenceModel m = webModel(MidFlowPolicy.PASS, RemovedBackendPolicy.DROP);
        // SYN_RECV lives 60 s after each packet, replies included, and up to its refresh grain (234 ms, ConnTimeouts)
        // longer; ESTABLISHED would live 900 s.
        send(m, tcp(CLIENT, 1, VIP, 80, SYN), 0, B);
        assertReply(answer(m, tcp(B_ADDRESS, 8080, CLIENT, 1, SYN | ACK), 50 * SECOND), HTTP_LABEL, VIP_FRONTEND, B);
        assertReply(answer(m, tcp(B_ADDRESS, 8080, CLIENT, 1, ACK), 109 * SECOND), HTTP_LABEL, VIP_FRONTEND, B);
        assertPass(answer(m, tcp(B_ADDRESS, 8080, CLIENT, 1, ACK), 169 * SECOND + SECOND / 4));

        // The client's next packet finds the entry the reply kept alive.
        send(m, tcp(CLIENT, 2, VIP, 80, SYN), 0, B);
        answer(m, tcp(B_ADDRESS, 8080, CLIENT, 2, SYN | ACK), 50 * SECOND);
        assertDnat(send(m, tcp(CLIENT, 2, VIP, 80, ACK), 100 * SECOND), false, B);

        // A reply to a flow in TIME_WAIT leaves it there: the client's next SYN is a new connection.
        send(m, tcp(CLIENT, 3, VIP, 80, SYN), 0, B);
        send(m, tcp(CLIENT, 3, VIP, 80, FIN), 1);
        assertReply(answer(m, tcp(B_ADDRESS, 8080, CLIENT, 3, ACK), 2), HTTP_LABEL, VIP_FRONTEND, B);
        assertDnat(send(m, tcp(CLIENT, 3, VIP, 80, SYN), 3), true, A, B);
    }

    @Test
    void replyNeedsTheFlowsBackendStillListedWhateverItsConditions()
    {
        final ReferenceModel m = webModel(MidFlowPolicy.SCHEDULE, RemovedBackendPolicy.DROP);
        send(m, tcp(CLIENT, 1, VIP, 80, SYN), 0, B);
        send(m, udp(CLIENT, 1, VIP, 53), 0, "10.244.0.2:5353");
        // Not ready, not serving, elsewhere: still listed, so its flows and their replies go on (§4).
        m.upsertSlice(webSlice(ready("10.244.0.1", NODE), endpoint(B_ADDRESS, false, false, false, "")));
        assertReply(answer(m, tcp(B_ADDRESS, 8080, CLIENT, 1, ACK), SECOND), HTTP_LABEL, VIP_FRONTEND, B);
        // Removed: its flows are gone, and stay gone when the address is listed again.
        m.upsertSlice(webSlice(ready("10.244.0.1", NODE)));
        assertPass(answer(m, tcp(B_ADDRESS, 8080, CLIENT, 1, ACK), 2 * SECOND));
        assertPass(answer(m, udp(B_ADDRESS, 5353, CLIENT, 1), 2 * SECOND));
        m.upsertSlice(webSlice(ready("10.244.0.1", NODE), ready(B_ADDRESS, "node-b")));
        assertPass(answer(m, tcp(B_ADDRESS, 8080, CLIENT, 1, ACK), 3 * SECOND));
        // A deleted Service has no frontend to answer through.
        send(m, tcp(CLIENT, 2, VIP, 80, SYN), 3 * SECOND, B);
        m.deleteService("default", "web");
        assertPass(answer(m, tcp(B_ADDRESS, 8080, CLIENT, 2, ACK), 4 * SECOND));
    }

    @Test
    void ipv6FrontendIsNamedInBrackets()
    {
        final ReferenceModel m = model();
        m.upsertService(service("default", "web", ServiceType.CLUSTER_IP, List.of(VIP, "FD00:0:0:0::1"), List.of(),
            List.of(), List.of(), HTTP));
        m.upsertSlice(OracleFixtures.slice("default", "web-6", "web", true, PORTS, ready("fd00:244::1", NODE)));
        send(m, tcp("fd01::5", 1, "fd00::1", 80, SYN), 0);
        assertReply(answer(m, tcp("fd00:244:0:0:0:0:0:1", 8080, "fd01::5", 1, ACK), 1), HTTP_LABEL, "[fd00::1]:80",
            "[fd00:244::1]:8080");
    }

    /**
     * One client port with flows to one backend through three frontends (two of one Service port, one of
     * another Service): the answer does not say which flow it belongs to, so any of them is accepted, and only
     * the one the classifier names has its timer restarted.
     */
    @Test
    void ambiguousReplyMayGoThroughAnyOfItsFrontendsAndRestartsTheOneTaken()
    {
        final ReferenceModel m = webModel(MidFlowPolicy.PASS, RemovedBackendPolicy.DROP);
        m.upsertService(service("default", "api", ServiceType.CLUSTER_IP, List.of("10.96.0.2"), List.of(),
            List.of(), List.of(), HTTP));
        m.upsertSlice(OracleFixtures.slice("default", "api-1", "api", false, PORTS, ready(B_ADDRESS, "node-b")));
        send(m, tcp(CLIENT, 1, VIP, 80, SYN), 0, B);
        send(m, tcp(CLIENT, 1, "192.168.0.10", 30080, SYN), 0, B);
        send(m, tcp(CLIENT, 1, "10.96.0.2", 80, SYN), 0, B);
        final PacketTuple fromB = tcp(B_ADDRESS, 8080, CLIENT, 1, ACK);

        final Expectation e = m.expectReply(fromB, 50 * SECOND);
        final List<Expectation> options = new ArrayList<>(e.alternatives());
        options.add(e);
        final Set<String> seen = new TreeSet<>();
        for (final Expectation o : options)
        {
            assertEquals(Verdict.REPLY, o.verdict());
            assertEquals(Set.of(B), o.allowedBackends());
            seen.add(o.servicePortLabel() + " via " + o.frontend());
        }
        assertEquals(Set.of("default/api:http via 10.96.0.2:80", HTTP_LABEL + " via " + VIP_FRONTEND,
            HTTP_LABEL + " via " + NODE_FRONTEND), seen);
        assertThrows(IllegalArgumentException.class, () -> m.commit(e, B));
        assertThrows(IllegalArgumentException.class,
            () -> m.commit(m.expectReply(fromB, 50 * SECOND), B, "10.96.0.3:80"));
        answer(m, fromB, 50 * SECOND, NODE_FRONTEND);
        assertEquals(1L, m.pathCounts().get("reply-hit-ambiguous"));

        // At 70 s the SYN_RECV entries through the other two frontends have expired; the node port's lives on.
        assertReply(answer(m, fromB, 70 * SECOND), HTTP_LABEL, NODE_FRONTEND, B);
        assertDnat(send(m, tcp(CLIENT, 1, "192.168.0.10", 30080, ACK), 71 * SECOND), false, B);
        assertEquals(Verdict.PASS, send(m, tcp(CLIENT, 1, VIP, 80, ACK), 71 * SECOND).verdict());
    }
}
