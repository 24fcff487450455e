package io.vipflow.sync;

import io.vipflow.packet.PacketTuple;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A balancer in a process of its own for the UDP tests: its own media driver, a sync node listening on
 * 127.0.0.1:{@code args[1]} and sending to 127.0.0.1:{@code args[2]}, and client traffic until it is killed. Each
 * flow opens with SYN and ACK; once established it is printed as {@code est <flow> <backend>}. After
 * {@link #NEW_FLOWS} flows it goes on with data packets on them.
 */
public final class UdpPeer
{
    /** New flows opened before the traffic turns to data on them: half the peers' tables, so that none fills. */
    static final int NEW_FLOWS = 8192;

    private UdpPeer()
    {
    }

    public static void main(final String[] args)
    {
        final SyncDriver driver = SyncDriver.launch(Path.of(args[0]));
        final Balancer balancer = new Balancer(IpcSyncTest.BACKENDS);
        final SyncNode node = new SyncNode(balancer.classifier, SyncConfig.udp(driver.directory(),
            "127.0.0.1:" + args[1], List.of("127.0.0.1:" + args[2])).withClock(balancer.clock::get)).start();
        // The peer is already up: wait until it is reachable, so that no early flow is lost (the test bounds the wait).
        while (!node.peersConnected())
        {
            LockSupport.parkNanos(1_000_000);
        }
        System.out.println("ready " + node.instanceId());
        System.out.flush();
        for (int flow = 0; ; flow++)
        {
            if (flow < NEW_FLOWS)
            {
                balancer.tcp(flow, PacketTuple.TCP_SYN);
                final String backend = balancer.tcp(flow, PacketTuple.TCP_ACK);
                System.out.println("est " + flow + " " + backend);
                if ((flow & 255) == 255)
                {
                    System.out.println("stats dropped " + node.recordsDropped() + " lost " + node.recordsLost() +
                        " sent " + node.recordsSent());
                }
                System.out.flush();
            }
            else
            {
                balancer.tcp(flow % NEW_FLOWS, PacketTuple.TCP_ACK | PacketTuple.TCP_PSH);
            }
            LockSupport.parkNanos(200_000);
        }
    }
}
