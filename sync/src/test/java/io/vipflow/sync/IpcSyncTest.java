package io.vipflow.sync;

import io.aeron.Aeron;
import io.aeron.driver.ThreadingMode;
import io.vipflow.conntrack.ConnState;
import io.vipflow.packet.PacketTuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Balancers in one JVM synced over Aeron IPC through one embedded media driver: creations, state changes and
 * removals reach the peer; a local entry wins; an entry for a backend the peer does not list meets its
 * removed-backend policy; a starting balancer catches up; a full ring drops changes, never packets.
 */
class IpcSyncTest
{
    static final String[] BACKENDS = {"10.244.0.1", "10.244.0.2", "10.244.0.3"};
    private static final long DEADLINE_MS = 10_000;

    @TempDir
    Path dir;
    private SyncDriver driver;
    private Aeron aeron;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void launch()
    {
        driver = SyncDriver.launch(dir.resolve("aeron"));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.directory()));
    }

    @AfterEach
    void close() throws Exception
    {
        for (int i = open.size() - 1; i >= 0; i--)
        {
            open.get(i).close();
        }
        aeron.close();
        driver.close();
    }

    private Balancer balancer(final String... backends)
    {
        final Balancer b = new Balancer(backends);
        open.add(b);
        return b;
    }

    private SyncNode node(final Balancer b, final boolean catchUp)
    {
        return node(b, b.ipc(driver.directory()).withCatchUp(catchUp));
    }

    private SyncNode node(final Balancer b, final SyncConfig config)
    {
        final SyncNode n = new SyncNode(b.classifier, config, aeron).start();
        open.add(n);
        return n;
    }

    @Test
    void flowsAndTheirStatesReachThePeer()
    {
        final Balancer a = balancer(BACKENDS);
        final Balancer b = balancer(BACKENDS);
        final SyncNode na = node(a, false);
        final SyncNode nb = node(b, false);
        // b's round robin starts elsewhere, so a flow b scheduled itself would mostly land on another backend.
        b.tcp(90_000, PacketTuple.TCP_SYN);
        final int flows = 60;
        final String[] chosen = new String[flows];
        for (int f = 0; f < flows; f++)
        {
            chosen[f] = a.tcp(f, PacketTuple.TCP_SYN);
        }
        Await.until(DEADLINE_MS, () -> nb.recordsApplied() >= flows, () -> "applied " + nb.recordsApplied());
        for (int f = 0; f < flows; f++)
        {
            a.tcp(f, PacketTuple.TCP_ACK);
        }
        Await.until(DEADLINE_MS, () -> nb.recordsApplied() >= 2L * flows, () -> "applied " + nb.recordsApplied());
        for (int f = 0; f < flows; f++)
        {
            assertEquals(ConnState.ESTABLISHED, b.state(f), "flow " + f);
            // Mid-flow packets without an entry are dropped here, so a DNAT proves the synced entry was used.
            assertEquals(chosen[f], b.tcp(f, PacketTuple.TCP_ACK | PacketTuple.TCP_PSH), "flow " + f);
        }
        assertEquals(0, na.recordsDropped());
        assertEquals(0, nb.messagesMissed());
        assertTrue(nb.lagNanos(99) >= 0);
    }

    @Test
    void nodesThatNeverSleepOnADriverWithThreadsOfItsOwnCarryFlows()
    {
        try (SyncDriver own = SyncDriver.launch(dir.resolve("own"), ThreadingMode.SHARED_NETWORK, 10_000);
            Aeron client = Aeron.connect(new Aeron.Context().aeronDirectoryName(own.directory())))
        {
            final Balancer a = balancer(BACKENDS);
            final Balancer b = balancer(BACKENDS);
            final SyncNode na = new SyncNode(a.classifier, a.ipc(own.directory()).withIdleParkNanos(0), client).start();
            final SyncNode nb = new SyncNode(b.classifier, b.ipc(own.directory()).withIdleParkNanos(0), client).start();
            try (na; nb)
            {
                final int flows = 20;
                for (int f = 0; f < flows; f++)
                {
                    a.tcp(f, PacketTuple.TCP_SYN);
                }
                Await.until(DEADLINE_MS, () -> nb.recordsApplied() >= flows, () -> "applied " + nb.recordsApplied());
                for (int f = 0; f < flows; f++)
                {
                    assertEquals(ConnState.tcpNext(ConnState.NONE, PacketTuple.TCP_SYN), b.state(f), "flow " + f);
                }
            }
        }
    }

    @Test
    void aNegativeIdleParkOrADriverWithoutThreadsIsRefused()
    {
        final Balancer a = balancer(BACKENDS);
        assertThrows(IllegalArgumentException.class, () -> a.ipc(driver.directory()).withIdleParkNanos(-1));
        assertThrows(IllegalArgumentException.class,
            () -> SyncDriver.launch(dir.resolve("invoker"), ThreadingMode.INVOKER, 0));
        assertThrows(IllegalArgumentException.class,
            () -> SyncDriver.launch(dir.resolve("negative"), ThreadingMode.SHARED, -1));
    }

    @Test
    void aLocalEntryWinsOverASyncedOne()
    {
        final Balancer a = balancer(BACKENDS);
        final Balancer b = balancer(BACKENDS);
        node(a, false);
        final SyncNode nb = node(b, false);
        b.tcp(90_000, PacketTuple.TCP_SYN);
        final String local = b.tcp(7, PacketTuple.TCP_SYN);
        final String remote = a.tcp(7, PacketTuple.TCP_SYN);
        assertTrue(!local.equals(remote), "the two round robins must disagree for this test: " + local);
        Await.until(DEADLINE_MS, () -> nb.recordsKept() == 1, () -> "kept " + nb.recordsKept());
        assertEquals(local, b.tcp(7, PacketTuple.TCP_ACK));
    }

    @Test
    void aSyncedEntryForABackendNotListedHereMeetsTheRemovedBackendPolicy()
    {
        final Balancer a = balancer("10.244.0.9");
        final Balancer b = balancer(BACKENDS);
        node(a, false);
        final SyncNode nb = node(b, false);
        assertEquals("/10.244.0.9:8080", a.tcp(3, PacketTuple.TCP_SYN));
        Await.until(DEADLINE_MS, () -> nb.recordsApplied() == 1, () -> "applied " + nb.recordsApplied());
        assertTrue(b.state(3) >= 0, "the entry is stored");
        // Removed-backend policy DROP (the default), as for a local entry whose backend left the slices.
        assertEquals("DROP/BACKEND_REMOVED", b.tcp(3, PacketTuple.TCP_ACK));
    }

    @Test
    void aRemovalReachesThePeer()
    {
        final Balancer a = balancer(BACKENDS);
        final Balancer b = balancer(BACKENDS);
        final SyncNode na = node(a, false);
        final SyncNode nb = node(b, false);
        a.tcp(5, PacketTuple.TCP_SYN);
        a.tcp(5, PacketTuple.TCP_ACK);
        a.tcp(5, PacketTuple.TCP_RST);
        Await.until(DEADLINE_MS, () -> nb.recordsApplied() == 3, () -> "applied " + nb.recordsApplied() + ", kept " +
            nb.recordsKept() + ", unmatched " + nb.recordsUnmatched() + ", sent " + na.recordsSent());
        assertEquals(ConnState.CLOSE, b.state(5));
        // A new SYN on the closed entry deletes it and schedules afresh: the peer deletes it and takes the new one.
        final String again = a.tcp(5, PacketTuple.TCP_SYN);
        Await.until(DEADLINE_MS, () -> nb.recordsApplied() == 5, () -> "applied " + nb.recordsApplied());
        assertEquals(ConnState.SYN_RECV, b.state(5));
        assertEquals(again, b.tcp(5, PacketTuple.TCP_ACK));
    }

    @Test
    void aStartingBalancerCatchesUpWithThePeersTable()
    {
        final Balancer a = balancer(BACKENDS);
        node(a, false);
        final int flows = 500;
        for (int f = 0; f < flows; f++)
        {
            a.tcp(f, PacketTuple.TCP_SYN);
            a.tcp(f, PacketTuple.TCP_ACK);
        }
        final Balancer c = balancer(BACKENDS);
        final SyncNode nc = node(c, true);
        // Live traffic while the table travels: these flows arrive as updates.
        for (int f = flows; f < flows + 50; f++)
        {
            a.tcp(f, PacketTuple.TCP_SYN);
        }
        Await.until(DEADLINE_MS, nc::caughtUp, () -> "caught up, " + nc.snapshotRecordsApplied() + " applied");
        Await.until(DEADLINE_MS, () -> c.classifier.connections().countLive() == flows + 50,
            () -> c.classifier.connections().countLive() + " entries");
        for (int f = 0; f < flows; f++)
        {
            assertEquals(ConnState.ESTABLISHED, c.state(f), "flow " + f);
        }
        assertTrue(nc.snapshotRecordsApplied() >= flows);
    }

    @Test
    void aFullRingDropsChangesNeverPackets()
    {
        final Balancer a = balancer(BACKENDS);
        // The agent is not started: nothing takes changes from the ring.
        final SyncNode na = new SyncNode(a.classifier, a.ipc(driver.directory()).withRingRecords(64), aeron);
        open.add(na);
        final int flows = 1000;
        for (int f = 0; f < flows; f++)
        {
            assertTrue(a.tcp(f, PacketTuple.TCP_SYN).startsWith("/10.244.0."), "flow " + f);
        }
        assertTrue(na.recordsDropped() > 0 && na.recordsDropped() < flows, "dropped " + na.recordsDropped());
        assertEquals(flows, na.recordsDropped() + na.ring().pending());
    }

    @Test
    void aRefreshKeepsThePeersCopyOfALongQuietFlowAlive()
    {
        final long second = 1_000_000_000L;
        final Balancer a = balancer(BACKENDS);
        final Balancer b = balancer(BACKENDS);
        // One refresh scan every 50 ms of wall clock; a's and b's clocks move together.
        b.clock.set(a.clock.get());
        final SyncNode nb = node(b, false);
        node(a, a.ipc(driver.directory()).withRefreshPeriod(50_000_000L));
        final String backend = a.tcp(1, PacketTuple.TCP_SYN);
        a.tcp(1, PacketTuple.TCP_ACK);
        Await.until(DEADLINE_MS, () -> b.state(1) == ConnState.ESTABLISHED, () -> "established at the peer");
        final long firstExpiry = b.expiry(1);
        // 800 s later a packet keeps the flow alive on a without changing its state: no update is sent for it.
        a.clock.addAndGet(800 * second);
        b.clock.addAndGet(800 * second);
        assertEquals(backend, a.tcp(1, PacketTuple.TCP_ACK | PacketTuple.TCP_PSH));
        Await.until(DEADLINE_MS, () -> b.expiry(1) - firstExpiry >= 700 * second,
            () -> "the refresh to move the peer's timer: " + (b.expiry(1) - firstExpiry) / second + " s");
        b.clock.addAndGet(200 * second);
        assertEquals(backend, b.tcp(1, PacketTuple.TCP_ACK), "alive on the peer after the first timeout");
        assertTrue(nb.recordsApplied() >= 2);
    }
}
