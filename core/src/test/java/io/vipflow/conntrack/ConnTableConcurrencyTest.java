package io.vipflow.conntrack;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Racing creators: every thread proposes its own backend for the same new flows, released together by a
 * barrier. Exactly one proposal per flow must win, every thread must see the winner, and the table must end
 * with exactly one entry per flow.
 */
class ConnTableConcurrencyTest
{
    private static final int THREADS = 4;
    private static final int FLOWS = 20_000;
    private static final int ROUNDS = 5;

    @Test
    void racingCreatorsAgreeOnOneBackendPerFlow() throws Exception
    {
        for (int round = 0; round < ROUNDS; round++)
        {
            // Flows share buckets, so races on ways happen; ESTABLISHED entries are never evicted, so every
            // creation is one flow's (a FULL bucket would fail the test through the creation count).
            try (ConnTable table = new ConnTable(FLOWS * 8))
            {
                final int[][] seen = new int[THREADS][FLOWS];
                final AtomicInteger created = new AtomicInteger();
                final AtomicReference<Throwable> failure = new AtomicReference<>();
                final CyclicBarrier start = new CyclicBarrier(THREADS);
                final Thread[] threads = new Thread[THREADS];
                final int r = round;
                for (int t = 0; t < THREADS; t++)
                {
                    final int id = t;
                    threads[t] = new Thread(() ->
                    {
                        try
                        {
                            final FlowKey key = new FlowKey();
                            final ConnView view = new ConnView();
                            start.await();
                            for (int f = 0; f < FLOWS; f++)
                            {
                                // Threads walk the flows in different orders so that they meet mid-way.
                                final int flow = (id % 2 == 0) ? f : FLOWS - 1 - f;
                                key.set(6, 0, 0x0000_ffff_0000_0000L | flow, 1000 + r, 0, 1, 80);
                                final int result = table.getOrCreate(key, 1 + id, ConnState.ESTABLISHED, 1_000, 0, view);
                                if (result == ConnTable.CREATED)
                                {
                                    created.incrementAndGet();
                                }
                                seen[id][flow] = view.backendId();
                            }
                        }
                        catch (final Throwable ex)
                        {
                            failure.compareAndSet(null, ex);
                        }
                    });
                    threads[t].start();
                }
                for (final Thread thread : threads)
                {
                    thread.join();
                }
                assertNull(failure.get());
                assertEquals(FLOWS, created.get(), "one creation per flow");
                assertEquals(FLOWS, table.countLive(), "one entry per flow");
                final FlowKey key = new FlowKey();
                final ConnView view = new ConnView();
                for (int f = 0; f < FLOWS; f++)
                {
                    key.set(6, 0, 0x0000_ffff_0000_0000L | f, 1000 + round, 0, 1, 80);
                    table.lookup(key, 0, view);
                    for (int t = 0; t < THREADS; t++)
                    {
                        assertEquals(view.backendId(), seen[t][f], "thread " + t + " flow " + f);
                    }
                }
            }
        }
    }
}
