package io.vipflow;

import io.vipflow.conntrack.ConnState;
import io.vipflow.conntrack.ConnTable;
import io.vipflow.conntrack.ConnTimeouts;
import io.vipflow.conntrack.ConnView;
import io.vipflow.conntrack.FlowKey;
import io.vipflow.packet.PacketTuple;
import io.vipflow.service.Backend;
import io.vipflow.service.ControlPlane;
import io.vipflow.service.Protocol;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;
import io.vipflow.service.ServiceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.vipflow.TestCluster.SECOND;
import static io.vipflow.TestCluster.ready;
import static io.vipflow.TestCluster.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Connection tracking as docs/SEMANTICS.md §3-§4 describe it: replies, counts, purge, admission, persistence. */
class ConnTrackSemanticsTest
{
    private static final int SYN = 0x02;
    private static final int ACK = 0x10;
    private static final int FIN = 0x11;
    private static final String VIP = "10.96.0.10";

    @TempDir
    Path tmp;

    private static ServiceSpec web()
    {
        return new ServiceSpec("default", "web", ServiceType.NODE_PORT, List.of(VIP), List.of(), List.of(),
            List.of(), List.of(new ServicePortSpec("http", 80, Protocol.TCP, 30080)), 0, false, false, null);
    }

    private static void publish(final ControlPlane cp, final String... ips)
    {
        cp.upsertService(web());
        final io.vipflow.service.EndpointSpec[] eps = new io.vipflow.service.EndpointSpec[ips.length];
        for (int i = 0; i < ips.length; i++)
        {
            eps[i] = ready(ips[i], "node-a");
        }
        cp.upsertSlice(slice("default", "web", "web-1", 8080, Protocol.TCP, "http", eps));
        cp.publish();
    }

    @Test
    void repliesMapBackToTheFrontendTheClientUsed()
    {
        final TestCluster c = new TestCluster();
        try (Classifier classifier = c.classifier)
        {
            publish(c.controlPlane, "10.244.0.1");
            c.tcp("10.1.1.1", 1000, VIP, 80, SYN, 0);
            c.tcp("10.1.1.2", 2000, "192.168.0.10", 30080, SYN, 0);
            final Decision d = new Decision();
            final PacketTuple reply = new PacketTuple();
            reply.setIpv4(PacketTuple.PROTO_TCP, 0x0af40001, 8080, 0x0a010101, 1000, 0x12);
            classifier.classifyReply(reply, SECOND, d);
            assertEquals(Verdict.REPLY, d.verdict());
            assertEquals(VIP + ":80", d.frontend().toString().split(" ")[1]);
            assertEquals("10.244.0.1:8080", d.backend().name);
            reply.setIpv4(PacketTuple.PROTO_TCP, 0x0af40001, 8080, 0x0a010102, 2000, 0x12);
            classifier.classifyReply(reply, SECOND, d);
            assertEquals(Verdict.REPLY, d.verdict());
            assertEquals(30080, d.frontend().port, "the NodePort flow answers from the node port");
            reply.setIpv4(PacketTuple.PROTO_TCP, 0x0af40001, 8080, 0x0a010103, 3000, 0x12);
            classifier.classifyReply(reply, SECOND, d);
            assertEquals(Verdict.PASS, d.verdict(), "no flow from that client: not ours");
            reply.setIpv4(PacketTuple.PROTO_TCP, 0x0af40002, 8080, 0x0a010101, 1000, 0x12);
            classifier.classifyReply(reply, SECOND, d);
            assertEquals(Verdict.PASS, d.verdict(), "another backend did not carry that flow");
        }
    }

    @Test
    void replyRestartsTheEntryTimer()
    {
        final TestCluster c = new TestCluster();
        try (Classifier classifier = c.classifier)
        {
            publish(c.controlPlane, "10.244.0.1", "10.244.0.2");
            c.tcp("10.1.1.1", 1000, VIP, 80, SYN, 0);
            c.tcp("10.1.1.1", 1000, VIP, 80, ACK, 0);
            final String backend = c.backend();
            final Decision d = new Decision();
            final PacketTuple reply = new PacketTuple();
            final int backendIp = backend.startsWith("10.244.0.1") ? 0x0af40001 : 0x0af40002;
            for (long t = 800; t <= 2400; t += 800)
            {
                reply.setIpv4(PacketTuple.PROTO_TCP, backendIp, 8080, 0x0a010101, 1000, ACK);
                classifier.classifyReply(reply, t * SECOND, d);
                assertEquals(Verdict.REPLY, d.verdict(), "at " + t + " s");
            }
            c.tcp("10.1.1.1", 1000, VIP, 80, ACK, 2500 * SECOND);
            assertFalse(c.d.newFlow(), "the client's packet still finds its entry after 2500 s of replies");
            assertEquals(backend, c.backend());
        }
    }

    /**
     * The timer restarts with the refresh grain (ConnTimeouts): a write puts the deadline one grain less 1 ms past the
     * packet's time plus the timeout, and later packets write nothing until their own deadline passes it. ESTABLISHED
     * lasts 900 s, so its grain is 1 s.
     */
    @Test
    void establishedPacketsRestartTheTimerWithTheRefreshGrain()
    {
        final TestCluster c = new TestCluster();
        try (Classifier classifier = c.classifier)
        {
            publish(c.controlPlane, "10.244.0.1");
            final long ms = 1_000_000;
            final long t0 = 10 * SECOND + 100_000;
            final long established = ConnTimeouts.ipvsDefaults().nanos(ConnState.ESTABLISHED);
            assertEquals(1_000, ConnTimeouts.ipvsDefaults().refreshGrainMillis(ConnState.ESTABLISHED));
            c.tcp("10.1.1.1", 1000, VIP, 80, SYN, t0);
            c.tcp("10.1.1.1", 1000, VIP, 80, ACK, t0);
            // The state changes: written, the time plus the timeout rounded up to 10 s + 900 s + 1 ms, plus 999 ms.
            assertEquals(10 * SECOND + established + 1_000 * ms, onlyExpiry(classifier));
            // Half a second on, the entry already lives longer than the packet asks: nothing is written.
            c.tcp("10.1.1.1", 1000, VIP, 80, ACK, t0 + 500 * ms);
            assertEquals(10 * SECOND + established + 1_000 * ms, onlyExpiry(classifier));
            // A second on, its deadline (11.0001 s + 900 s, rounded up) passes the entry's: written again.
            final long last = t0 + 1_000 * ms;
            c.tcp("10.1.1.1", 1000, VIP, 80, ACK, last);
            assertEquals(10 * SECOND + established + 2_000 * ms, onlyExpiry(classifier));
            // Never early: 899 ms past the last packet's time plus the timeout, the entry is still there (its deadline
            // is 11.0001 s + 900 s rounded up, plus 999 ms); RefreshGrainTest bounds the deadline from above.
            c.tcp("10.1.1.1", 1000, VIP, 80, ACK, last + established + 899 * ms);
            assertFalse(c.d.newFlow(), "the entry lives until its deadline");
            assertEquals(Verdict.DNAT, c.d.verdict());
        }
    }

    /** The deadline of the one entry the table holds. */
    private static long onlyExpiry(final Classifier classifier)
    {
        final ConnTable table = classifier.connections();
        final FlowKey key = new FlowKey();
        final ConnView view = new ConnView();
        long expiry = -1;
        for (int slot = 0; slot < table.slotCount(); slot++)
        {
            if (table.readSlot(slot, key, view))
            {
                assertEquals(-1, expiry, "one entry");
                expiry = view.expiryNanos();
            }
        }
        return expiry;
    }

    @Test
    void countsFollowEntriesThroughTheirLife()
    {
        final TestCluster c = new TestCluster();
        try (Classifier classifier = c.classifier)
        {
            publish(c.controlPlane, "10.244.0.1");
            final Backend b = c.controlPlane.current().servicePorts().get(0).listed(0);
            c.tcp("10.1.1.1", 1000, VIP, 80, SYN, 0);
            assertEquals(0, b.counters.active());
            assertEquals(1, b.counters.inactive(), "a new entry starts inactive");
            c.tcp("10.1.1.1", 1000, VIP, 80, ACK, 0);
            assertEquals(1, b.counters.active());
            assertEquals(0, b.counters.inactive());
            c.tcp("10.1.1.1", 1000, VIP, 80, FIN, SECOND);
            assertEquals(0, b.counters.active());
            assertEquals(1, b.counters.inactive(), "CLOSE_WAIT is inactive");
            classifier.sweep(1000 * SECOND, classifier.connections().slotCount());
            assertEquals(0, b.counters.active());
            assertEquals(0, b.counters.inactive(), "expired and swept: counted out");
            classifier.flushStats(c.d);
            assertEquals(1L, classifier.stats().toMap().get("inserts"));
            assertEquals(1L, classifier.stats().toMap().get("expirations"));
            assertEquals(0L, classifier.stats().toMap().get("entries"));
        }
    }

    @Test
    void sweeperPurgesUdpEntriesOfRemovedBackendsButKeepsTcpOnes()
    {
        final TestCluster c = new TestCluster();
        try (Classifier classifier = c.classifier)
        {
            c.controlPlane.upsertService(ServiceSpec.clusterIp("default", "dns", "10.96.0.53",
                new ServicePortSpec("dns", 53, Protocol.UDP, 0)));
            c.controlPlane.upsertSlice(slice("default", "dns", "dns-1", 53, Protocol.UDP, "dns",
                ready("10.244.0.9", "node-a")));
            publish(c.controlPlane, "10.244.0.1");
            c.udp("10.1.1.1", 5000, "10.96.0.53", 53, 0);
            c.tcp("10.1.1.1", 1000, VIP, 80, SYN, 0);
            c.tcp("10.1.1.1", 1000, VIP, 80, ACK, 0);
            assertEquals(2, classifier.connections().countLive());
            c.controlPlane.upsertSlice(slice("default", "dns", "dns-1", 53, Protocol.UDP, "dns",
                ready("10.244.0.8", "node-a")));
            publish(c.controlPlane, "10.244.0.2");
            assertTrue(classifier.sweep(SECOND, classifier.connections().slotCount()));
            assertEquals(1, classifier.connections().countLive(), "the UDP entry is purged, the TCP one stays");
            assertEquals(Verdict.DROP, c.tcp("10.1.1.1", 1000, VIP, 80, ACK, 2 * SECOND).verdict(),
                "and the TCP flow's next packet meets expire_nodest_conn");
        }
    }

    @Test
    void admissionLimitDropsNewFlowsBeyondTheRateButNeverEstablishedOnes()
    {
        final TestCluster c = new TestCluster("maglev", ClassifierConfig.defaults().withConnectionCapacity(4096)
            .withAffinityCapacity(16).withNewFlowLimit(1000, 10));
        try (Classifier classifier = c.classifier)
        {
            publish(c.controlPlane, "10.244.0.1", "10.244.0.2");
            int admitted = 0;
            for (int i = 0; i < 100; i++)
            {
                if (c.tcp("10.1.1.1", 1000 + i, VIP, 80, SYN, 0).verdict() == Verdict.DNAT)
                {
                    admitted++;
                    c.tcp("10.1.1.1", 1000 + i, VIP, 80, ACK, 0);
                    assertEquals(Verdict.DNAT, c.d.verdict(), "an admitted flow's packets never count");
                }
                else
                {
                    assertEquals(Reason.RATE_LIMITED, c.d.reason());
                }
            }
            assertEquals(10, admitted, "a burst of 10 at one instant");
            // Then a SYN every 0.1 ms for 100 ms: the burst again (the bucket refilled while idle), then 1000/s.
            admitted = 0;
            for (int i = 0; i < 1000; i++)
            {
                if (c.tcp("10.1.1.2", 1000 + i, VIP, 80, SYN, 100_000_000L + i * 100_000L).verdict() == Verdict.DNAT)
                {
                    admitted++;
                }
            }
            assertTrue(admitted >= 105 && admitted <= 111, "admitted " + admitted);
        }
    }

    /**
     * A SYN flood of ten times the table's capacity from spoofed sources while 10,000 established flows keep
     * sending: the flood fills buckets with embryonic entries, which are evicted first; established entries are
     * never evicted, so no established flow loses its backend.
     */
    @Test
    void synFloodOfTenTimesCapacityCostsNoEstablishedFlowItsBackend()
    {
        // Sized so that the 10,000 established flows fit their buckets (8 ways each) with room to spare.
        final int capacity = 50_000;
        final int established = 10_000;
        final TestCluster c = new TestCluster("maglev", ClassifierConfig.defaults().withConnectionCapacity(capacity)
            .withAffinityCapacity(16).withTimeouts(ConnTimeouts.ipvsDefaults()));
        try (Classifier classifier = c.classifier)
        {
            publish(c.controlPlane, "10.244.0.1", "10.244.0.2", "10.244.0.3", "10.244.0.4");
            final PacketTuple p = new PacketTuple();
            final Decision d = new Decision();
            final int[] backendOf = new int[established];
            for (int i = 0; i < established; i++)
            {
                p.setIpv4(PacketTuple.PROTO_TCP, 0x0a020000 + i, 40000, 0x0a60000a, 80, SYN);
                classifier.classify(p, 0, d);
                p.flags = ACK;
                classifier.classify(p, 0, d);
                backendOf[i] = d.backend().id;
            }
            final int flood = capacity * 10;
            int lost = 0;
            long now = SECOND;
            for (int n = 0; n < flood; n++)
            {
                now += 10_000;
                p.setIpv4(PacketTuple.PROTO_TCP, 0x30000000 + n * 7919, 1024 + (n & 0x7fff), 0x0a60000a, 80, SYN);
                classifier.classify(p, now, d);
                if (n % 20 == 0)
                {
                    final int i = (n / 20) % established;
                    p.setIpv4(PacketTuple.PROTO_TCP, 0x0a020000 + i, 40000, 0x0a60000a, 80, ACK);
                    classifier.classify(p, now, d);
                    if (d.verdict() != Verdict.DNAT || d.newFlow() || d.backend().id != backendOf[i])
                    {
                        lost++;
                    }
                }
            }
            assertEquals(0, lost, "established flows that lost their backend during the flood");
            classifier.flushStats(d);
            assertTrue(classifier.stats().toMap().get("evictions") > 0, "the flood did hit eviction");
        }
    }

    @Test
    void mappedTableKeepsItsFlowsAcrossAReopen()
    {
        final Path table = tmp.resolve("conntrack.table");
        final Path ids = tmp.resolve("conntrack.ids");
        final long t0 = 1_800_000_000_000_000_000L;
        final String[] backends = new String[100];
        final ControlPlane first = new ControlPlane("node-a", List.of("192.168.0.10"), "maglev", 1, ids);
        publish(first, "10.244.0.1", "10.244.0.2", "10.244.0.3");
        try (Classifier classifier = new Classifier(first, ClassifierConfig.defaults().withAffinityCapacity(16),
            ConnTable.mapped(table, 10_000)))
        {
            final Decision d = new Decision();
            final PacketTuple p = new PacketTuple();
            for (int i = 0; i < backends.length; i++)
            {
                p.setIpv4(PacketTuple.PROTO_TCP, 0x0a010000 + i, 1000, 0x0a60000a, 80, SYN);
                classifier.classify(p, t0, d);
                p.flags = ACK;
                classifier.classify(p, t0, d);
                backends[i] = d.backend().name;
            }
        }
        // A new process: the endpoints arrive in another order and one more exists; ids come from the file.
        final ControlPlane second = new ControlPlane("node-a", List.of("192.168.0.10"), "rr", 1, ids);
        publish(second, "10.244.0.4", "10.244.0.3", "10.244.0.2", "10.244.0.1");
        try (Classifier classifier = new Classifier(second, ClassifierConfig.defaults().withAffinityCapacity(16),
            ConnTable.mapped(table, 10_000)))
        {
            final Decision d = new Decision();
            final PacketTuple p = new PacketTuple();
            for (int i = 0; i < backends.length; i++)
            {
                p.setIpv4(PacketTuple.PROTO_TCP, 0x0a010000 + i, 1000, 0x0a60000a, 80, ACK);
                classifier.classify(p, t0 + 10 * SECOND, d);
                assertEquals(Verdict.DNAT, d.verdict());
                assertFalse(d.newFlow(), "flow " + i + " must be found after the reopen");
                assertEquals(backends[i], d.backend().name);
            }
        }
        try (ConnTable inspect = ConnTable.inspect(table))
        {
            assertEquals(100, inspect.countLive());
            final ConnTable t = inspect;
            final IllegalStateException ex = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> t.expire(0, 10, 0));
            assertTrue(ex.getMessage().contains("inspection"));
        }
    }

    @Test
    void snapshotFindsBackendsAndCountersById()
    {
        final ControlPlane cp = new ControlPlane("node-a", List.of(), "rr", 1);
        publish(cp, "10.244.0.1");
        final Backend b = cp.current().servicePorts().get(0).listed(0);
        assertSame(b, cp.current().backend(b.id));
        assertSame(b.counters, cp.current().counters(b.id));
        assertNull(cp.current().backend(b.id + 1000));
    }
}
