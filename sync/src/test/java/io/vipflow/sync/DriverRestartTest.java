package io.vipflow.sync;

import io.vipflow.conntrack.ConnState;
import io.vipflow.packet.PacketTuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramSocket;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sender's media driver stops while its data plane keeps opening flows, then starts again: the packets are all
 * classified, the changes that could not travel are counted (dropped in the ring, lost by the sender, missed by the
 * peer), and the node connects again by itself so that later flows reach the peer.
 */
class DriverRestartTest
{
    private static final long DEADLINE_MS = 20_000;

    @TempDir
    Path dir;

    @Test
    void syncSurvivesALostDriverAndCountsWhatItLost() throws Exception
    {
        final int portA = freeUdpPort();
        final int portB = freeUdpPort();
        final Path driverDirA = dir.resolve("driver-a");
        SyncDriver driverA = SyncDriver.launch(driverDirA);
        try (SyncDriver driverB = SyncDriver.launch(dir.resolve("driver-b"));
            Balancer a = new Balancer(IpcSyncTest.BACKENDS);
            Balancer b = new Balancer(IpcSyncTest.BACKENDS);
            SyncNode nodeA = new SyncNode(a.classifier, SyncConfig.udp(driverA.directory(), "127.0.0.1:" + portA,
                List.of("127.0.0.1:" + portB)).withClock(a.clock::get).withRingRecords(256)).start();
            SyncNode nodeB = new SyncNode(b.classifier, SyncConfig.udp(driverB.directory(), "127.0.0.1:" + portB,
                List.of("127.0.0.1:" + portA)).withClock(b.clock::get)).start())
        {
            Await.until(DEADLINE_MS, () -> nodeA.peersConnected() && nodeB.peersConnected(), () -> "connections");
            int flow = 0;
            // Before: flows reach the peer.
            for (; flow < 100; flow++)
            {
                a.tcp(flow, PacketTuple.TCP_SYN);
            }
            Await.until(DEADLINE_MS, () -> nodeB.recordsApplied() >= 100, () -> "applied " + nodeB.recordsApplied());

            driverA.close();
            final int during = flow;
            while (nodeA.connected())
            {
                assertTrue(a.tcp(flow++, PacketTuple.TCP_SYN).startsWith("/10.244.0."), "packets are classified");
                Thread.yield();
            }
            for (int i = 0; i < 2000; i++)
            {
                assertTrue(a.tcp(flow++, PacketTuple.TCP_SYN).startsWith("/10.244.0."), "packets are classified");
            }
            final int restarted = flow;
            driverA = SyncDriver.launch(driverDirA);
            Await.until(DEADLINE_MS, () -> nodeA.reconnects() == 1 && nodeA.peersConnected() && nodeA.drained(),
                () -> "the node to connect again");
            final long counted = nodeA.recordsDropped() + nodeA.recordsLost();

            // After: new flows reach the peer again (the peer's image of the new publication may take a moment).
            final int after = restarted + 10_000;
            Await.until(DEADLINE_MS, () ->
            {
                a.tcp(after, PacketTuple.TCP_SYN);
                a.tcp(after, PacketTuple.TCP_ACK);
                return b.state(after) == ConnState.ESTABLISHED;
            }, () -> "a flow after the restart at the peer");
            final long offeredDuring = restarted - during;
            assertTrue(counted > 0, "changes that could not travel are counted");
            final long arrivedOfThose = countAtPeer(b, during, restarted);
            // A message the sender wrote into its log just before it noticed the driver was gone is neither counted
            // by the sender nor delivered: the peer counts it as a gap in the sender's sequence.
            final long unseen = offeredDuring - arrivedOfThose - counted;
            final String figures = "offered " + offeredDuring + ", dropped " + nodeA.recordsDropped() + ", lost " +
                nodeA.recordsLost() + ", arrived " + arrivedOfThose + ", messages missed " + nodeB.messagesMissed();
            assertTrue(unseen >= 0, figures);
            assertTrue(unseen <= nodeB.messagesMissed() * nodeA.maxRecordsPerMessage(), figures);
            assertTrue(nodeB.messagesMissed() > 0, "the peer sees the gap: " + figures);
        }
        finally
        {
            driverA.close();
        }
    }

    private static long countAtPeer(final Balancer peer, final int from, final int to)
    {
        long n = 0;
        for (int f = from; f < to; f++)
        {
            n += peer.state(f) >= 0 ? 1 : 0;
        }
        return n;
    }

    private static int freeUdpPort() throws IOException
    {
        try (DatagramSocket s = new DatagramSocket(0))
        {
            return s.getLocalPort();
        }
    }
}
