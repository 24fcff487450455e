package io.vipflow;

import io.vipflow.conntrack.ConnState;
import io.vipflow.conntrack.ConnTable;
import io.vipflow.conntrack.ConnView;
import io.vipflow.conntrack.FlowKey;
import io.vipflow.packet.LinkType;
import io.vipflow.packet.PacketTuple;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;
import io.vipflow.service.Protocol;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every operation on a closed classifier or table throws instead of reaching freed memory. */
class ClassifierLifecycleTest
{
    private static TestCluster cluster()
    {
        final TestCluster c = new TestCluster();
        c.controlPlane.upsertService(ServiceSpec.clusterIp("ns", "web", "10.96.0.10",
            new ServicePortSpec("http", 80, Protocol.TCP, 0)));
        c.controlPlane.upsertSlice(TestCluster.slice("ns", "web", "web-1", 8080, Protocol.TCP, "http",
            TestCluster.ready("10.244.0.1", "node-a")));
        c.controlPlane.publish();
        return c;
    }

    @Test
    void everyClassifierCallAfterCloseThrows()
    {
        final TestCluster c = cluster();
        assertEquals(Verdict.DNAT, c.tcp("10.1.0.1", 40000, "10.96.0.10", 80, PacketTuple.TCP_SYN, 0).verdict());
        c.classifier.close();
        c.classifier.close(); // a second close does nothing
        assertTrue(c.classifier.isClosed());

        final PacketTuple p = new PacketTuple().setIpv4(PacketTuple.PROTO_TCP, 0x0a010001, 40000, 0x0a60000a, 80,
            PacketTuple.TCP_ACK);
        final Decision d = new Decision();
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[64]);
        assertClosed(() -> c.classifier.classify(p, 1, d));
        // A packet for no Service never reaches the table; it is refused all the same.
        final PacketTuple elsewhere = new PacketTuple().setIpv4(PacketTuple.PROTO_TCP, 1, 1, 2, 2, 0);
        assertClosed(() -> c.classifier.classify(elsewhere, 1, d));
        assertClosed(() -> c.classifier.classifyReply(p, 1, d));
        assertClosed(() -> c.classifier.classifyFrame(frame, 0, 64, 64, LinkType.ETHERNET, 1, d));
        assertClosed(() -> c.classifier.classifyBatch(new PacketTuple[] {p}, 1, 1, new Decision[] {d}));
        assertClosed(() -> c.classifier.classifyFrames(frame, new int[] {0}, new int[] {64}, 1, LinkType.ETHERNET, 1,
            new Decision[] {d}, new PacketTuple[1]));
        assertClosed(() -> c.classifier.sweep(1, 100));
        assertClosed(() -> c.classifier.connections().countLive());
        assertEquals(1, c.classifier.stats().toMap().get("entries"), "the counters stay readable");
    }

    @Test
    void everyTableCallAfterCloseThrows()
    {
        final ConnTable t = new ConnTable(100);
        final FlowKey k = new FlowKey().set(6, 0, 1, 1, 0, 2, 2);
        final ConnView v = new ConnView();
        assertEquals(ConnTable.CREATED, t.getOrCreate(k, 1, ConnState.UDP, 1_000_000_000L, 0, v));
        t.close();
        t.close();
        assertClosed(() -> t.lookup(k, 0, v));
        assertClosed(() -> t.lookup(k, 8, 0, v));
        assertClosed(() -> t.slotHint(k));
        assertClosed(() -> t.touchLine(t.firstBucket(k)));
        assertClosed(() -> t.getOrCreate(k, 1, ConnState.UDP, 1, 0, v));
        assertClosed(() -> t.update(v, 1, ConnState.UDP, 2));
        assertClosed(() -> t.delete(v));
        assertClosed(() -> t.sweep(0, 10, 0, null, v));
        assertClosed(() -> t.expire(0, 10, 0));
        assertClosed(t::countLive);
        assertClosed(() -> t.readSlot(0, k, v));
    }

    /**
     * A sweeper on its own runner thread, sweeping the whole table each cycle, while the classifier closes under
     * it: close waits for the step in progress, the next step ends the agent, and the JVM survives to tell.
     */
    @Test
    @Timeout(60)
    void aSweeperRunningWhenItsClassifierClosesStopsWithoutTouchingFreedMemory() throws Exception
    {
        for (int round = 0; round < 20; round++)
        {
            final TestCluster c = cluster();
            for (int i = 0; i < 200; i++)
            {
                c.tcp("10.1.0." + (i % 250), 40000 + i, "10.96.0.10", 80, PacketTuple.TCP_SYN, 0);
            }
            final List<Throwable> errors = new CopyOnWriteArrayList<>();
            final SweeperAgent sweeper = new SweeperAgent(c.classifier, () -> 1, 1 << 20);
            final AgentRunner runner = new AgentRunner(new BusySpinIdleStrategy(), errors::add, null, sweeper);
            final Thread thread = AgentRunner.startOnThread(runner);
            Thread.sleep(round % 5); // close at different points of a step
            c.classifier.close();
            thread.join(TimeUnit.SECONDS.toMillis(10));
            assertFalse(thread.isAlive(), "the sweeper's runner ends once its classifier is closed");
            assertTrue(errors.stream().allMatch(e -> e instanceof AgentTerminationException),
                () -> "errors reported: " + errors);
            runner.close();
        }
    }

    private static void assertClosed(final Runnable call)
    {
        final IllegalStateException ex = assertThrows(IllegalStateException.class, call::run);
        assertTrue(ex.getMessage().contains("closed"), ex.getMessage());
    }
}
