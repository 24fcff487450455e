package io.vipflow.harness.soak;

import io.vipflow.Classifier;
import io.vipflow.ClassifierConfig;
import io.vipflow.Decision;
import io.vipflow.Verdict;
import io.vipflow.packet.PacketTuple;
import io.vipflow.service.Backend;
import io.vipflow.service.ControlPlane;
import io.vipflow.service.EndpointPortSpec;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.EndpointSpec;
import io.vipflow.service.Protocol;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The counter audit finds each kind of drift, on synthetic counts and on a real classifier. */
class CounterAuditTest
{
    private static final Map<String, CounterAudit.BackendCount> AGREEING =
        Map.of("10.0.0.1:80#1", new CounterAudit.BackendCount(2, 1, 3, 2));

    @Test
    void consistentCountsPass()
    {
        assertEquals(List.of(), new CounterAudit(3, 3, 1000, 10, 4, 2, 1, AGREEING).violations());
    }

    @Test
    void entriesCounterThatDriftsFromTheTableIsFound()
    {
        final List<String> v = new CounterAudit(4, 3, 1000, 11, 4, 2, 1, AGREEING).violations();
        assertEquals(1, v.size(), v::toString);
        assertTrue(v.get(0).contains("entries counter 4 but the table holds 3"), v::toString);
    }

    @Test
    void removalCountersThatDriftAreFound()
    {
        // One expiration counted twice: the balance no longer matches.
        final List<String> v = new CounterAudit(3, 3, 1000, 10, 5, 2, 1, AGREEING).violations();
        assertEquals(1, v.size(), v::toString);
        assertTrue(v.get(0).contains("= 2, but entries = 3"), v::toString);
    }

    @Test
    void backendCountsThatDriftAreFound()
    {
        final List<String> v = new CounterAudit(3, 3, 1000, 10, 4, 2, 1,
            Map.of("10.0.0.1:80#1", new CounterAudit.BackendCount(3, 1, 3, 2))).violations();
        assertEquals(1, v.size(), v::toString);
        assertTrue(v.get(0).startsWith("backend 10.0.0.1:80#1"), v::toString);
    }

    @Test
    void entriesBeyondTheSlotsAreFound()
    {
        assertTrue(new CounterAudit(9, 9, 8, 9, 0, 0, 0, Map.of()).violations().get(0).contains("outside"));
    }

    @Test
    void realClassifierAgreesAndADeliberateLeakInItsCountersIsCaught()
    {
        final ControlPlane cp = new ControlPlane("node-1", List.of("192.168.1.11"), "maglev", 0);
        cp.upsertService(ServiceSpec.clusterIp("shop", "web", "10.96.0.80",
            new ServicePortSpec("http", 80, Protocol.TCP, 0)));
        cp.upsertSlice(new EndpointSliceSpec("shop", "web-1", "web", false,
            List.of(new EndpointPortSpec("http", 8080, Protocol.TCP)),
            List.of(EndpointSpec.ready("10.244.1.5", "node-1"), EndpointSpec.ready("10.244.2.7", "node-2"))));
        cp.publish();
        try (Classifier classifier = new Classifier(cp, ClassifierConfig.defaults().withConnectionCapacity(1024)))
        {
            final Decision d = new Decision();
            final PacketTuple t = new PacketTuple();
            for (int i = 0; i < 50; i++)
            {
                t.setIpv4(PacketTuple.PROTO_TCP, 0x0af40700 + i, 40000 + i, 0x0a600050, 80, PacketTuple.TCP_SYN);
                classifier.classify(t, 1_000_000_000L, d);
                assertEquals(Verdict.DNAT, d.verdict());
            }
            classifier.flushStats(d);
            final CounterAudit clean = CounterAudit.of(classifier);
            assertEquals(List.of(), clean.violations());
            assertEquals(50, clean.liveSlots());

            // The kind of bug the soak looks for: a connection counted that the table does not hold.
            final Backend leaked = cp.current().servicePorts().get(0).listed(0);
            leaked.counters.addInactive(1);
            final List<String> v = CounterAudit.of(classifier).violations();
            assertEquals(1, v.size(), v::toString);
            assertTrue(v.get(0).startsWith("backend " + leaked.name), v::toString);
        }
    }
}
