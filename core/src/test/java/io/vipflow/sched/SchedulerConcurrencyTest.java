package io.vipflow.sched;

import io.vipflow.packet.PacketTuple;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The compare-and-set cursors of rr and wrr hand every concurrent pick a distinct step of the kernel's sequence:
 * with whole cycles picked by several threads at once, every destination's count is exact. The lblc and lblcr
 * caches (sequence locks) stay consistent under concurrent picks and counter churn.
 */
class SchedulerConcurrencyTest
{
    private static final int THREADS = 4;

    private static AtomicIntegerArray hammer(final Scheduler s, final int n, final int picksPerThread,
        final List<Destination> churn) throws InterruptedException
    {
        final AtomicIntegerArray counts = new AtomicIntegerArray(n);
        final CountDownLatch start = new CountDownLatch(1);
        final Thread[] threads = new Thread[THREADS];
        for (int t = 0; t < THREADS; t++)
        {
            final int id = t;
            threads[t] = new Thread(() ->
            {
                final PacketTuple p = new PacketTuple();
                try
                {
                    start.await();
                }
                catch (final InterruptedException ex)
                {
                    return;
                }
                for (int i = 0; i < picksPerThread; i++)
                {
                    p.setIpv4(PacketTuple.PROTO_TCP, i, i, Dests.ip(10, 96, 0, i & 7), 80, PacketTuple.TCP_SYN);
                    final int pick = s.pick(p, i);
                    counts.incrementAndGet(pick);
                    if (churn != null)
                    {
                        churn.get((i + id) % churn.size()).counters().set(i & 7, i & 3);
                    }
                }
            });
            threads[t].start();
        }
        start.countDown();
        for (final Thread t : threads)
        {
            t.join();
        }
        return counts;
    }

    @Test
    void wrrCountsAreExactUnderContention() throws InterruptedException
    {
        final List<Destination> d = Dests.of("A=4", "B=3", "C=2");
        final AtomicIntegerArray counts = hammer(Dests.build("wrr", d), 3, 9 * 5000, null);
        assertEquals(4 * 5000 * THREADS, counts.get(0));
        assertEquals(3 * 5000 * THREADS, counts.get(1));
        assertEquals(2 * 5000 * THREADS, counts.get(2));
    }

    @Test
    void rrCountsAreExactUnderContention() throws InterruptedException
    {
        final List<Destination> d = Dests.of("A", "B=0", "C", "D");
        final AtomicIntegerArray counts = hammer(Dests.build("rr", d), 4, 3 * 7000, null);
        assertEquals(7000 * THREADS, counts.get(0));
        assertEquals(0, counts.get(1));
        assertEquals(7000 * THREADS, counts.get(2));
        assertEquals(7000 * THREADS, counts.get(3));
    }

    @Test
    void localityCachesStayConsistent() throws InterruptedException
    {
        for (final String name : List.of("lblc", "lblcr"))
        {
            final List<Destination> d = Dests.of("A=2", "B=2", "C=2", "D=0");
            final AtomicIntegerArray counts = hammer(Dests.build(name, d), 4, 20000, d);
            assertEquals(0, counts.get(3), name);
            assertTrue(counts.get(0) + counts.get(1) + counts.get(2) == 20000 * THREADS, name);
        }
    }
}
