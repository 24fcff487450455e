package io.vipflow.conntrack.chronicle;

import io.vipflow.conntrack.ConnState;
import io.vipflow.conntrack.ConnTable;
import io.vipflow.conntrack.FlowKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ChronicleConnTableTest
{
    private static final long SECOND = 1_000_000_000L;

    @TempDir
    Path dir;

    static FlowKey key(final int client, final int clientPort)
    {
        return new FlowKey().set(6, 0, 0x0000_ffff_0af4_0000L | client, clientPort, 0, 0x0000_ffff_0a60_000aL, 80);
    }

    @Test
    void createThenFindThenUpdateThenDelete()
    {
        try (ChronicleConnTable t = ChronicleConnTable.open(dir.resolve("t.cmap"), 1000))
        {
            final ChronicleConnView v = new ChronicleConnView();
            final FlowKey k = key(1, 40000);
            assertFalse(t.lookup(k, 0, v));
            assertEquals(ConnTable.CREATED, t.getOrCreate(k, 7, ConnState.SYN_RECV, 60 * SECOND, 0, v));
            assertEquals(ConnTable.EXISTING, t.getOrCreate(k, 9, ConnState.SYN_RECV, 60 * SECOND, 0, v));
            assertEquals(7, v.backendId());
            assertTrue(t.lookup(k, SECOND, v));
            assertTrue(t.update(v, 7, ConnState.ESTABLISHED, 901 * SECOND));
            assertTrue(t.lookup(k, 2 * SECOND, v));
            assertEquals(ConnState.ESTABLISHED, v.state());
            assertEquals(901 * SECOND, v.expiryNanos());
            assertEquals(0, v.createdNanos());
            assertFalse(t.lookup(key(2, 40000), 0, v));
            assertFalse(t.lookup(key(1, 40001), 0, v));
            assertTrue(t.lookup(k, 2 * SECOND, v));
            assertTrue(t.delete(v));
            assertFalse(t.delete(v));
            assertFalse(t.lookup(k, 2 * SECOND, v));
            assertEquals(0, t.size());
        }
    }

    @Test
    void staleViewsFailAndTheLaterDeadlineWins()
    {
        try (ChronicleConnTable t = ChronicleConnTable.open(dir.resolve("t.cmap"), 100))
        {
            final ChronicleConnView a = new ChronicleConnView();
            final ChronicleConnView b = new ChronicleConnView();
            final FlowKey k = key(3, 3);
            t.getOrCreate(k, 1, ConnState.SYN_RECV, 60, 0, a);
            t.lookup(k, 1, b);
            assertTrue(t.update(a, 1, ConnState.ESTABLISHED, 900));
            assertFalse(t.update(b, 1, ConnState.CLOSE, 10), "state changed since b read it");
            assertFalse(t.delete(b), "so may it not delete");
            t.lookup(k, 1, a);
            t.lookup(k, 1, b);
            assertTrue(t.update(a, 1, ConnState.ESTABLISHED, 1000));
            assertTrue(t.update(b, 1, ConnState.ESTABLISHED, 950), "only the expiry moved");
            assertEquals(1000, b.expiryNanos(), "the later deadline wins");
            t.lookup(k, 1, a);
            assertTrue(t.delete(a));
            assertEquals(ConnTable.CREATED, t.getOrCreate(k, 2, ConnState.SYN_RECV, 60, 5, a));
            assertFalse(t.update(b, 1, ConnState.ESTABLISHED, 2000), "the entry was recreated");
        }
    }

    @Test
    void expiredEntriesAreReplacedAndSweptWithTheListenerHearingEachOnce()
    {
        try (ChronicleConnTable t = ChronicleConnTable.open(dir.resolve("t.cmap"), 1000))
        {
            final int[] heard = new int[3];
            t.removalListener((backendId, state, cause) -> heard[cause]++);
            final ChronicleConnView v = new ChronicleConnView();
            t.getOrCreate(key(1, 1), 1, ConnState.UDP, 10, 0, v);
            assertFalse(t.lookup(key(1, 1), 10, v));
            assertEquals(ConnTable.CREATED, t.getOrCreate(key(1, 1), 2, ConnState.UDP, 50, 10, v));
            assertEquals(1, heard[ConnTable.RemovalListener.EXPIRED]);
            for (int i = 0; i < 100; i++)
            {
                t.getOrCreate(key(100 + i, 1), i % 4, ConnState.ESTABLISHED, i < 40 ? 20 : 100, 0, v);
            }
            int cursor = 0;
            int calls = 0;
            do
            {
                cursor = t.sweep(cursor, 3, 30, (backendId, state) -> backendId == 3);
                calls++;
            }
            while (cursor != 0);
            assertEquals((t.segments() + 2) / 3, calls);
            assertEquals(1 + 40, heard[ConnTable.RemovalListener.EXPIRED]);
            assertEquals(15, heard[ConnTable.RemovalListener.DELETED], "backend 3 purged among the 60 left");
            assertEquals(1 + 45, t.countLive(30));
            assertEquals(1 + 45, t.size());
        }
    }

    @Test
    void entriesSurviveReopeningAndInspectionIsReadOnly()
    {
        final Path file = dir.resolve("t.cmap");
        try (ChronicleConnTable t = ChronicleConnTable.open(file, 1000))
        {
            final ChronicleConnView v = new ChronicleConnView();
            for (int i = 0; i < 500; i++)
            {
                t.getOrCreate(key(i, 2000 + i), i, ConnState.ESTABLISHED, 900 * SECOND, SECOND, v);
            }
        }
        try (ChronicleConnTable t = ChronicleConnTable.open(file, 10);
            ChronicleConnTable inspector = ChronicleConnTable.inspect(file))
        {
            final ChronicleConnView v = new ChronicleConnView();
            for (int i = 0; i < 500; i++)
            {
                assertTrue(t.lookup(key(i, 2000 + i), 2 * SECOND, v));
                assertEquals(i, v.backendId());
            }
            t.getOrCreate(key(9999, 1), 77, ConnState.UDP, 900 * SECOND, SECOND, v);
            assertTrue(inspector.lookup(key(9999, 1), 2 * SECOND, v), "the inspector sees the writer's entry");
            assertEquals(77, v.backendId());
            final List<String> seen = new ArrayList<>();
            inspector.forEach((k, view) -> seen.add(k.srcPort + "=" + view.backendId()));
            assertEquals(501, seen.size());
            assertTrue(seen.contains("2007=7"));
            assertThrows(IllegalStateException.class,
                () -> inspector.getOrCreate(key(1, 1), 1, ConnState.UDP, 1, 0, v));
            assertThrows(IllegalStateException.class, () -> inspector.expire(0, 1, 0));
        }
    }

    @Test
    void aFullTableRefusesNewFlows()
    {
        try (ChronicleConnTable t = ChronicleConnTable.open(dir.resolve("t.cmap"), 100))
        {
            final ChronicleConnView v = new ChronicleConnView();
            int created = 0;
            int full = 0;
            for (int i = 0; i < 100_000 && full == 0; i++)
            {
                final int outcome = t.getOrCreate(key(i, 1), 1, ConnState.ESTABLISHED, 100, 0, v);
                created += outcome == ConnTable.CREATED ? 1 : 0;
                full += outcome == ConnTable.FULL ? 1 : 0;
            }
            assertEquals(1, full);
            assertTrue(created >= 100, "at least the capacity asked for: " + created);
            assertEquals(created, t.size());
        }
    }

    @Test
    void racingCreatorsAgreeOnOneBackend() throws Exception
    {
        final int threads = 4;
        final int keys = 20_000;
        final AtomicIntegerArray backends = new AtomicIntegerArray(keys);
        final AtomicIntegerArray creations = new AtomicIntegerArray(keys);
        final CyclicBarrier start = new CyclicBarrier(threads);
        final List<Throwable> failures = new ArrayList<>();
        try (ChronicleConnTable t = ChronicleConnTable.open(dir.resolve("t.cmap"), keys * 2L))
        {
            final List<Thread> workers = new ArrayList<>();
            for (int w = 0; w < threads; w++)
            {
                final int me = w + 1;
                final Thread thread = new Thread(() ->
                {
                    try
                    {
                        final ChronicleConnView v = new ChronicleConnView();
                        final FlowKey k = new FlowKey();
                        start.await();
                        for (int i = 0; i < keys; i++)
                        {
                            final FlowKey key = k.set(17, 0, i, 53, 0, 1, 53);
                            if (t.getOrCreate(key, me, ConnState.UDP, 100, 0, v) == ConnTable.CREATED)
                            {
                                creations.incrementAndGet(i);
                            }
                            if (!backends.compareAndSet(i, 0, v.backendId()) && backends.get(i) != v.backendId())
                            {
                                throw new AssertionError("flow " + i + " seen with two backends");
                            }
                        }
                    }
                    catch (final Throwable ex)
                    {
                        synchronized (failures)
                        {
                            failures.add(ex);
                        }
                    }
                });
                workers.add(thread);
                thread.start();
            }
            for (final Thread thread : workers)
            {
                thread.join(60_000);
            }
            assertTrue(failures.isEmpty(), () -> failures.toString());
            for (int i = 0; i < keys; i++)
            {
                assertEquals(1, creations.get(i), "creations of flow " + i);
            }
            assertEquals(keys, t.size());
        }
    }

    @Test
    void lookupAllocatesNothing()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        try (ChronicleConnTable t = ChronicleConnTable.open(dir.resolve("t.cmap"), 2000))
        {
            final ChronicleConnView v = new ChronicleConnView();
            final FlowKey k = new FlowKey();
            for (int i = 0; i < 1000; i++)
            {
                t.getOrCreate(k.set(6, 0, i, 1000, 0, 1, 80), i, ConnState.ESTABLISHED, 100, 0, v);
            }
            lookups(t, k, v, 100_000);
            long fewest = Long.MAX_VALUE;
            for (int attempt = 0; attempt < 5 && fewest > 0; attempt++)
            {
                final long before = threads.getCurrentThreadAllocatedBytes();
                assertEquals(20_000, lookups(t, k, v, 20_000));
                fewest = Math.min(fewest, threads.getCurrentThreadAllocatedBytes() - before);
            }
            assertEquals(0, fewest, "bytes allocated by 20,000 lookups");
        }
    }

    private static int lookups(final ChronicleConnTable t, final FlowKey k, final ChronicleConnView v, final int n)
    {
        int hits = 0;
        for (int i = 0; i < n; i++)
        {
            hits += t.lookup(k.set(6, 0, i % 1000, 1000, 0, 1, 80), 1, v) ? 1 : 0;
        }
        return hits;
    }
}
