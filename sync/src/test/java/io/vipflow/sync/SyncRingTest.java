package io.vipflow.sync;

import io.vipflow.packet.PacketTuple;
import org.agrona.concurrent.MessageHandler;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The sender's side of the ring: a partial batch is taken at most once per flush interval, a full one at once, and
 * records come out in the order they went in.
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
}
