package io.vipflow;

import io.vipflow.conntrack.ConnState;
import io.vipflow.conntrack.ConnTable;
import io.vipflow.conntrack.ConnTimeouts;
import io.vipflow.conntrack.ConnView;
import io.vipflow.conntrack.FlowKey;
import io.vipflow.packet.Addresses;
import io.vipflow.packet.PacketTuple;
import io.vipflow.service.Backend;
import io.vipflow.service.ControlPlane;
import io.vipflow.service.EndpointSpec;
import io.vipflow.service.Protocol;
import io.vipflow.service.ServicePort;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;
import io.vipflow.service.Snapshot;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.vipflow.TestCluster.SECOND;
import static io.vipflow.TestCluster.ep;
import static io.vipflow.TestCluster.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every backend's active and inactive counts (docs/SEMANTICS.md §3) stay exact while several threads classify
 * interleaved packets of the same flows: at the end, and again after everything has expired and been swept, each
 * listed backend's counters equal a recount of the connection table.
 * <p>
 * Four threads send TCP packets (SYN, ACK, data, FIN, RST, in random order, so entries move between every state
 * and between active and inactive), UDP packets and replies for 64 shared flows, so packets of one flow race
 * on different threads; the clock advances as they go, so entries expire, and the first thread also sweeps and
 * changes the control plane (an endpoint removed and added back under a new id, one set terminating, one added).
 * Two of the threads send their client packets through {@code classifyBatch}, whose lookups start from slot
 * hints taken before the batch is decided and possibly stale by then.
 * <p>
 * The recount follows the classifier's contract: a backend counts every entry in the table that names it,
 * active when the entry is TCP ESTABLISHED and inactive otherwise, whether or not its timer has run out (an
 * expired entry stays in the table, and counted, until a sweep or a new packet of its flow removes it). Entries
 * naming a backend that is no longer listed are counted nowhere: its counters left the snapshot with it. The
 * classifier's entry gauge must equal the number of entries in the table.
 * <p>
 * The counts would drift if a count change were ever applied without winning the entry's CAS (two threads
 * counting the same transition), if a removal were reported twice or with a state other than the entry's last,
 * or if creation, state change and removal were counted against different backends.
 */
class ConnCountsConcurrencyTest
{
    private static final int THREADS = 4;
    private static final int OPS_PER_THREAD = 60_000;
    private static final int TCP_FLOWS = 48;
    private static final int UDP_FLOWS = 16;
    private static final int SYN = 0x02;
    private static final int FIN_ACK = 0x11;
    private static final int RST = 0x04;
    private static final int ACK = 0x10;
    private static final int PSH_ACK = 0x18;
    private static final int TCP_VIP = 0x0a60_000a;
    private static final int UDP_VIP = 0x0a60_0035;
    private static final int CLIENT_BASE = 0x0a01_0000;
    private static final int SWEEP_EVERY = 32;
    private static final int SWEEP_SLOTS = 256;
    private static final int BATCH = 4;

    @Test
    void countsEqualARecountOfTheTable() throws Exception
    {
        // Short timeouts, so that a run of a few thousand simulated seconds sees every state expire.
        final ConnTimeouts timeouts = ConnTimeouts.ipvsDefaults()
            .withTcp(ConnState.ESTABLISHED, 60 * SECOND)
            .withTcp(ConnState.TIME_WAIT, 20 * SECOND)
            .withTcp(ConnState.CLOSE_WAIT, 20 * SECOND)
            .withUdp(30 * SECOND);
        final ControlPlane controlPlane = new ControlPlane("node-a", List.of("192.168.0.10"), "wlc", 7);
        controlPlane.upsertService(ServiceSpec.clusterIp("default", "web", "10.96.0.10",
            new ServicePortSpec("http", 80, Protocol.TCP, 0)));
        controlPlane.upsertService(ServiceSpec.clusterIp("default", "dns", "10.96.0.53",
            new ServicePortSpec("dns", 53, Protocol.UDP, 0)));
        webSlice(controlPlane, 0);
        dnsSlice(controlPlane, 0);
        controlPlane.publish();
        final ClassifierConfig config = ClassifierConfig.defaults().withConnectionCapacity(4096)
            .withAffinityCapacity(64).withTimeouts(timeouts);
        try (Classifier classifier = new Classifier(controlPlane, config))
        {
            // The batches take the path that loads lines ahead and looks flows up from slot hints, as a classifier
            // with a table larger than the caches does.
            classifier.loadAhead(true);
            final AtomicLong clock = new AtomicLong(SECOND);
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final CyclicBarrier start = new CyclicBarrier(THREADS);
            final Thread[] threads = new Thread[THREADS];
            for (int t = 0; t < THREADS; t++)
            {
                final int id = t;
                threads[t] = new Thread(() ->
                {
                    try
                    {
                        drive(id, classifier, controlPlane, clock, start);
                    }
                    catch (final Throwable ex)
                    {
                        failure.compareAndSet(null, ex);
                    }
                });
                threads[t].start();
            }
            for (final Thread t : threads)
            {
                t.join();
            }
            assertNull(failure.get());

            final Map<String, Long> stats = classifier.stats().toMap();
            assertTrue(stats.get("expirations") > 1_000, "expirations: " + stats);
            assertTrue(stats.get("deletions") > 100, "deletions: " + stats);
            assertEquals(0L, stats.get("evictions"), "the table never fills");
            final int live = classifier.connections().countLive();
            assertTrue(live > 20, "entries left to count: " + live);
            assertEquals(live, stats.get("entries"), "entry gauge");
            final long[] totals = assertCountsMatchTable(classifier, clock.get());
            assertTrue(totals[0] > 0 && totals[1] > 0, "both active and inactive entries at the end");
            assertTrue(totals[2] > 0, "expired entries not yet swept, still counted");

            // Everything expires: a full sweep far in the future must bring every count back to zero.
            final long later = clock.get() + 10_000 * SECOND;
            final int slots = classifier.connections().slotCount();
            classifier.sweep(later, slots); // finishes the pass in progress: the sweeper resumes at its cursor
            assertTrue(classifier.sweep(later, slots), "one whole pass");
            assertEquals(0, classifier.connections().countLive(), "entries after the last sweep");
            assertEquals(0L, classifier.stats().toMap().get("entries"), "entry gauge after the last sweep");
            assertCountsMatchTable(classifier, later);
        }
    }

    /** Web endpoints 10.244.0.1-4 in three versions; dns 10.244.1.1-3 with .3 gone in version 1. */
    private static void webSlice(final ControlPlane cp, final int version)
    {
        final List<EndpointSpec> eps = new ArrayList<>();
        eps.add(ep("10.244.0.1", true, true, false, "node-a"));
        eps.add(ep("10.244.0.2", true, true, false, "node-a"));
        if (version != 1)
        {
            eps.add(ep("10.244.0.3", true, true, false, "node-a"));
        }
        // Terminating but still serving in version 1: no new flows, existing ones stay (docs/SEMANTICS.md §4).
        eps.add(version == 1 ? ep("10.244.0.4", false, true, true, "node-a") : ep("10.244.0.4", true, true, false,
            "node-a"));
        if (version == 2)
        {
            eps.add(ep("10.244.0.5", true, true, false, "node-a"));
        }
        cp.upsertSlice(slice("default", "web", "web-1", 8080, Protocol.TCP, "http", eps.toArray(new EndpointSpec[0])));
    }

    private static void dnsSlice(final ControlPlane cp, final int version)
    {
        final List<EndpointSpec> eps = new ArrayList<>();
        eps.add(ep("10.244.1.1", true, true, false, "node-a"));
        eps.add(ep("10.244.1.2", true, true, false, "node-a"));
        if (version != 1)
        {
            eps.add(ep("10.244.1.3", true, true, false, "node-a"));
        }
        cp.upsertSlice(slice("default", "dns", "dns-1", 53, Protocol.UDP, "dns", eps.toArray(new EndpointSpec[0])));
    }

    /** One data-plane thread; thread 0 is also the sweeper and the control-plane thread. */
    private static void drive(final int id, final Classifier classifier, final ControlPlane controlPlane,
        final AtomicLong clock, final CyclicBarrier start) throws Exception
    {
        final SplittableRandom random = new SplittableRandom(id);
        final Decision d = new Decision();
        final PacketTuple p = new PacketTuple();
        // The backend this thread last saw for each TCP flow, for sending its replies.
        final Backend[] backendOf = new Backend[TCP_FLOWS];
        // Odd threads send their client TCP packets in batches of BATCH (classifyBatch, which looks flows up from
        // slot hints found before the batch is decided), so hinted and plain lookups race on the same flows.
        final boolean batching = (id & 1) == 1;
        final PacketTuple[] batch = new PacketTuple[BATCH];
        final Decision[] batchOut = new Decision[BATCH];
        final int[] batchFlow = new int[BATCH];
        for (int i = 0; i < BATCH; i++)
        {
            batch[i] = new PacketTuple();
            batchOut[i] = new Decision();
        }
        int batched = 0;
        start.await();
        for (int op = 0; op < OPS_PER_THREAD; op++)
        {
            if (random.nextInt(8) == 0)
            {
                clock.addAndGet(SECOND);
            }
            final long now = clock.get();
            if (id == 0)
            {
                if (op % SWEEP_EVERY == 0)
                {
                    classifier.sweep(now, SWEEP_SLOTS);
                }
                if (op == OPS_PER_THREAD / 4 || op == OPS_PER_THREAD / 2 || op == 3 * OPS_PER_THREAD / 4)
                {
                    final int version = op == OPS_PER_THREAD / 4 ? 1 : op == OPS_PER_THREAD / 2 ? 0 : 2;
                    webSlice(controlPlane, version);
                    dnsSlice(controlPlane, version);
                    controlPlane.publish();
                }
            }
            final int kind = random.nextInt(100);
            if (kind < 20)
            {
                final int flow = random.nextInt(UDP_FLOWS);
                p.setIpv4(PacketTuple.PROTO_UDP, CLIENT_BASE | 0x100 | flow, 5000 + flow, UDP_VIP, 53, 0);
                classifier.classify(p, now, d);
                continue;
            }
            final int flow = random.nextInt(TCP_FLOWS);
            final Backend known = backendOf[flow];
            if (kind < 28 && known != null)
            {
                // The backend answers: restarts the entry's timer without changing its state.
                p.set(PacketTuple.PROTO_TCP, false, known.addrHi, known.addrLo, known.port, 0,
                    Addresses.ipv4Lo(CLIENT_BASE | flow), 40_000 + flow, ACK);
                classifier.classifyReply(p, now, d);
                continue;
            }
            final int pick = random.nextInt(100);
            final int flags = pick < 25 ? SYN : pick < 55 ? ACK : pick < 75 ? PSH_ACK : pick < 93 ? FIN_ACK : RST;
            if (batching)
            {
                batch[batched].setIpv4(PacketTuple.PROTO_TCP, CLIENT_BASE | flow, 40_000 + flow, TCP_VIP, 80, flags);
                batchFlow[batched++] = flow;
                if (batched == BATCH)
                {
                    classifier.classifyBatch(batch, BATCH, now, batchOut);
                    for (int i = 0; i < BATCH; i++)
                    {
                        if (batchOut[i].backend() != null)
                        {
                            backendOf[batchFlow[i]] = batchOut[i].backend();
                        }
                    }
                    batched = 0;
                }
                continue;
            }
            p.setIpv4(PacketTuple.PROTO_TCP, CLIENT_BASE | flow, 40_000 + flow, TCP_VIP, 80, flags);
            classifier.classify(p, now, d);
            if (d.backend() != null)
            {
                backendOf[flow] = d.backend();
            }
        }
        classifier.flushStats(d);
        for (final Decision out : batchOut)
        {
            classifier.flushStats(out);
        }
    }

    /**
     * Recounts the table by a full slot scan and compares with every listed backend's counters. Returns the total
     * active and inactive entries of listed backends, and how many of all entries are expired at {@code nowNanos}.
     */
    private static long[] assertCountsMatchTable(final Classifier classifier, final long nowNanos)
    {
        final ConnTable table = classifier.connections();
        final Map<Integer, long[]> recount = new HashMap<>();
        final FlowKey key = new FlowKey();
        final ConnView view = new ConnView();
        final long[] totals = new long[3];
        for (int slot = 0; slot < table.slotCount(); slot++)
        {
            if (table.readSlot(slot, key, view))
            {
                final long[] counts = recount.computeIfAbsent(view.backendId(), k -> new long[2]);
                counts[view.state() == ConnState.ESTABLISHED ? 0 : 1]++;
                if (view.expiryNanos() - nowNanos <= 0)
                {
                    totals[2]++;
                }
            }
        }
        final Snapshot snapshot = classifier.controlPlane().current();
        int backends = 0;
        for (final ServicePort sp : snapshot.servicePorts())
        {
            for (int i = 0; i < sp.listedCount(); i++)
            {
                final Backend b = sp.listed(i);
                final long[] expected = recount.getOrDefault(b.id, new long[2]);
                assertEquals(expected[0], b.counters.active(), sp + " " + b + " active");
                assertEquals(expected[1], b.counters.inactive(), sp + " " + b + " inactive");
                totals[0] += expected[0];
                totals[1] += expected[1];
                backends++;
            }
        }
        assertEquals(8, backends, "web .1 .2 .3 .4 .5 and dns .1 .2 .3 listed at the end");
        return totals;
    }
}
