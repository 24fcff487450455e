package io.vipflow.sync;

import io.vipflow.conntrack.ConnState;
import io.vipflow.packet.PacketTuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramSocket;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two balancers in two processes, each with its own media driver, synced over UDP on 127.0.0.1. One is killed with
 * SIGKILL while it opens flows; every flow it had established and synced (at least {@link #SYNCED}) continues on the
 * other to the same backend (mid-flow packets without an entry are dropped there, so a missing entry would show). Then a third balancer joins,
 * asks the survivor for its table and carries the same flows to the same backends.
 */
class UdpFailoverTest
{
    /** A wait fails when what it waits on has not moved for this long. */
    private static final long STALL_MS = 20_000;
    /** Established flows the peer must hold before the kill. */
    private static final int SYNCED = 300;

    @TempDir
    Path dir;

    @Test
    void aKilledBalancersFlowsContinueOnItsPeerAndAJoinerCatchesUp() throws Exception
    {
        final int portA = freeUdpPort();
        final int portB = freeUdpPort();
        final int portC = freeUdpPort();
        try (SyncDriver driverB = SyncDriver.launch(dir.resolve("driver-b"));
            Balancer b = new Balancer(IpcSyncTest.BACKENDS);
            SyncNode nodeB = new SyncNode(b.classifier, SyncConfig.udp(driverB.directory(), "127.0.0.1:" + portB,
                List.of("127.0.0.1:" + portA, "127.0.0.1:" + portC)).withClock(b.clock::get)).start();
            Child a = new Child(UdpPeer.class, dir.resolve("a.stderr"), dir.resolve("driver-a").toString(),
                Integer.toString(portA), Integer.toString(portB)))
        {
            // The child's JVM and driver start, then it connects to b: its CPU time moves until it is ready.
            Await.whileProgressing(STALL_MS, () -> a.lines.stream().anyMatch(l -> l.startsWith("ready")), a::cpuNanos,
                a::stderr);
            // b's round robin starts one backend further, so b scheduling a flow itself would mostly move it.
            b.tcp(1 << 20, PacketTuple.TCP_SYN);
            Await.whileProgressing(STALL_MS, () -> syncedTo(b, established(a)).size() >= SYNCED, nodeB::recordsApplied,
                () -> syncedTo(b, established(a)).size() + " flows synced of " + established(a).size() +
                    " established, missed messages " + nodeB.messagesMissed() + ", the child's " + lastStats(a) +
                    "; stderr: " + a.stderr());
            final Map<Integer, String> synced = syncedTo(b, established(a));
            a.kill();
            final Map<Integer, String> all = established(a);
            int moved = 0;
            for (final Map.Entry<Integer, String> e : synced.entrySet())
            {
                moved += e.getValue().equals(b.tcp(e.getKey(), PacketTuple.TCP_ACK | PacketTuple.TCP_PSH)) ? 0 : 1;
            }
            assertEquals(0, moved, "established flows moved to another backend");
            System.out.println("killed with " + all.size() + " flows established, " + synced.size() +
                " of them synced to the peer; the child's " + lastStats(a));

            try (SyncDriver driverC = SyncDriver.launch(dir.resolve("driver-c"));
                Balancer c = new Balancer(IpcSyncTest.BACKENDS);
                SyncNode nodeC = new SyncNode(c.classifier, SyncConfig.udp(driverC.directory(), "127.0.0.1:" + portC,
                    List.of("127.0.0.1:" + portB)).withClock(c.clock::get).withCatchUp(true)).start())
            {
                Await.whileProgressing(STALL_MS, nodeC::caughtUp,
                    () -> nodeC.snapshotRecordsApplied() + nodeC.tablesIncomplete() + nodeB.snapshotRecordsSent(),
                    () -> "catch-up, " + nodeC.snapshotRecordsApplied() + " applied, " + nodeC.tablesIncomplete() +
                        " incomplete tables");
                for (final Map.Entry<Integer, String> e : synced.entrySet())
                {
                    assertEquals(e.getValue(), c.tcp(e.getKey(), PacketTuple.TCP_ACK), "flow " + e.getKey());
                }
                assertTrue(nodeC.snapshotRecordsApplied() >= synced.size());
            }
        }
    }

    /** Of {@code established}, the flows {@code peer} holds established: those whose changes reached it. */
    private static Map<Integer, String> syncedTo(final Balancer peer, final Map<Integer, String> established)
    {
        final Map<Integer, String> synced = new LinkedHashMap<>();
        established.forEach((flow, backend) ->
        {
            if (peer.state(flow) == ConnState.ESTABLISHED)
            {
                synced.put(flow, backend);
            }
        });
        return synced;
    }

    private static String lastStats(final Child child)
    {
        return child.lines.stream().filter(l -> l.startsWith("stats")).reduce((x, y) -> y).orElse("stats: none yet");
    }

    /** Flows the child reported established, by flow number. */
    private static Map<Integer, String> established(final Child child)
    {
        final Map<Integer, String> flows = new LinkedHashMap<>();
        for (final String line : child.lines)
        {
            final String[] f = line.split(" ");
            if (f.length == 3 && f[0].equals("est"))
            {
                flows.put(Integer.parseInt(f[1]), f[2]);
            }
        }
        return flows;
    }

    private static int freeUdpPort() throws IOException
    {
        try (DatagramSocket s = new DatagramSocket(0))
        {
            return s.getLocalPort();
        }
    }
}
