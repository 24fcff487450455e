package io.vipflow.sync;

import io.vipflow.FlowEvents;
import io.vipflow.conntrack.ConnState;
import io.vipflow.conntrack.FlowKey;
import io.vipflow.packet.Addresses;
import io.vipflow.packet.PacketTuple;
import io.vipflow.service.Backend;
import org.agrona.concurrent.MessageHandler;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The sender's side of the ring: a partial batch is taken at most once per flush interval, a full one at once,
 * records come out in the order each thread put them in, none lost or twice while threads offer and the sender takes
 * at once, a decision that moves to another thread does not write into its first thread's lane, and the lane of a
 * thread that ended is returned once empty.
 */
class SyncRingTest
{
    private static final long INTERVAL = 1_000;
    private static final int BATCH = 126;

    private final List<Integer> flows = new ArrayList<>();
    private final MessageHandler collect = (type, buffer, index, length) ->
        flows.add((buffer.getShort(index + SyncWire.SRC_PORT, SyncWire.ORDER) & 0xFFFF) - 1024);
    private int next;

    /** New flows on a balancer whose classifier offers its changes into {@code ring}. */
    private void offer(final Balancer balancer, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            balancer.tcp(++next, PacketTuple.TCP_SYN);
        }
    }

    @Test
    void aPartialBatchWaitsForTheFlushInterval()
    {
        final SyncRing ring = new SyncRing(1024, INTERVAL);
        final long t = System.nanoTime();
        try (Balancer b = new Balancer(IpcSyncTest.BACKENDS))
        {
            b.classifier.flowEvents(ring);
            takeInIntervals(ring, b, t);
        }
    }

    private void takeInIntervals(final SyncRing ring, final Balancer b, final long t)
    {
        offer(b, 3);
        assertEquals(3, ring.take(collect, BATCH, t), "the first take is due at once");
        offer(b, 2);
        assertEquals(0, ring.take(collect, BATCH, t + INTERVAL - 1), "a partial batch within the interval");
        assertEquals(2, ring.take(collect, BATCH, t + INTERVAL));
        assertEquals(List.of(1, 2, 3, 4, 5), flows);
    }

    @Test
    void fullBatchesAreTakenAtOnceUntilThePartialRest()
    {
        final SyncRing ring = new SyncRing(1024, INTERVAL);
        final long t = System.nanoTime();
        try (Balancer b = new Balancer(IpcSyncTest.BACKENDS))
        {
            b.classifier.flowEvents(ring);
            takeFullBatches(ring, b, t);
        }
    }

    private void takeFullBatches(final SyncRing ring, final Balancer b, final long t)
    {
        offer(b, 2 * BATCH + 10);
        assertEquals(BATCH, ring.take(collect, BATCH, t));
        assertEquals(BATCH, ring.take(collect, BATCH, t), "a full batch leaves more waiting: no interval");
        assertEquals(10, ring.take(collect, BATCH, t));
        offer(b, 1);
        assertEquals(0, ring.take(collect, BATCH, t + 1), "the ring was emptied: the interval applies again");
        assertEquals(1, ring.take(collect, BATCH, t + INTERVAL));
        assertEquals(2 * BATCH + 11, flows.size());
        for (int i = 0; i < flows.size(); i++)
        {
            assertEquals(i + 1, flows.get(i), "the order of the changes");
        }
    }

    @Test
    void aDecisionMovedToAnotherThreadWritesIntoThatThreadsLane() throws Exception
    {
        final SyncRing ring = new SyncRing(1024, 0);
        try (Balancer b = new Balancer(IpcSyncTest.BACKENDS))
        {
            b.classifier.flowEvents(ring);
            // The balancer's one decision meets the ring on this thread and keeps this thread's lane...
            offer(b, 3);
            // ...then classifies on another thread (the join orders the two): its changes must not enter this
            // thread's lane, whose one producer this thread is.
            final Thread other = new Thread(() -> offer(b, 3));
            other.start();
            other.join();
            assertEquals(2, ring.lanes(), "a lane per thread");
            assertEquals(6, ring.take(collect, BATCH, System.nanoTime()));
            flows.sort(Integer::compare);
            assertEquals(List.of(1, 2, 3, 4, 5, 6), flows);
        }
    }

    @Test
    void concurrentThreadsEachKeepTheirOrderThroughWrappingLanes() throws Exception
    {
        final int threads = 3;
        final int perThread = 20_000;
        // Small lanes, so that each wraps hundreds of times while the sender reads it.
        final SyncRing ring = new SyncRing(64, 0);
        final Backend backend;
        try (Balancer b = new Balancer(IpcSyncTest.BACKENDS))
        {
            backend = b.controlPlane.current().frontends.lookup(false, 0, Addresses.ipv4Lo(Balancer.VIP), 80,
                PacketTuple.PROTO_TCP).target.listed(0);
        }
        final CyclicBarrier start = new CyclicBarrier(threads);
        final List<Thread> producers = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            final long thread = t;
            producers.add(new Thread(() ->
            {
                final FlowKey key = new FlowKey();
                await(start);
                for (long seq = 0; seq < perThread; seq++)
                {
                    // The thread and its sequence number travel in the client address.
                    key.set(FlowKey.familyProtocol(PacketTuple.PROTO_TCP, false), 0, thread << 32 | seq, 40000, 0,
                        Addresses.ipv4Lo(Balancer.VIP), 80);
                    while (!ring.offer(FlowEvents.CREATED, key, backend, ConnState.SYN_RECV, 1_000_000L))
                    {
                        Thread.onSpinWait();
                    }
                }
            }));
        }
        producers.forEach(Thread::start);
        final long[] next = new long[threads];
        final List<String> errors = new ArrayList<>();
        final MessageHandler check = (type, buffer, index, length) ->
        {
            final long lo = buffer.getLong(index + SyncWire.SRC_LO, SyncWire.ORDER);
            final int thread = (int)(lo >>> 32);
            if ((lo & 0xFFFF_FFFFL) != next[thread]++ && errors.size() < 5)
            {
                errors.add("thread " + thread + ": got " + (lo & 0xFFFF_FFFFL) + ", expected " + (next[thread] - 1));
            }
        };
        long taken = 0;
        final long deadline = System.nanoTime() + 30_000_000_000L;
        while (taken < (long)threads * perThread && System.nanoTime() < deadline)
        {
            taken += ring.take(check, BATCH, System.nanoTime());
        }
        for (final Thread p : producers)
        {
            p.join();
        }
        assertEquals(List.of(), errors);
        assertEquals((long)threads * perThread, taken);
        assertEquals(0, ring.dropped());
        assertEquals(ring.offeredPosition(), ring.takenPosition());

        // Their threads have ended and their lanes are empty: the next take after the reclaim interval returns them,
        // and the positions still agree.
        final long offered = ring.offeredPosition();
        ring.take(check, BATCH, System.nanoTime() + 2_000_000_000L);
        assertEquals(0, ring.lanes());
        assertEquals(offered, ring.offeredPosition());
        assertEquals(offered, ring.takenPosition());
        assertEquals((long)threads * perThread, offered);
    }

    private static void await(final CyclicBarrier barrier)
    {
        try
        {
            barrier.await();
        }
        catch (final Exception e)
        {
            throw new IllegalStateException(e);
        }
    }
}
