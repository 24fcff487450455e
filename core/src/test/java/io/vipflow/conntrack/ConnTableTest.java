package io.vipflow.conntrack;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnTableTest
{
    private static final long SECOND = 1_000_000_000L;

    /** The table keeps deadlines in milliseconds: these tests count time in milliseconds. */
    private static long ms(final long millis)
    {
        return millis * 1_000_000L;
    }

    static FlowKey key(final int client, final int clientPort)
    {
        return new FlowKey().set(6, 0, 0x0000_ffff_0af4_0000L | client, clientPort, 0, 0x0000_ffff_0a60_000aL, 80);
    }

    @Test
    void createThenFindThenUpdate()
    {
        try (ConnTable t = new ConnTable(1000))
        {
            final ConnView v = new ConnView();
            final FlowKey k = key(1, 40000);
            assertFalse(t.lookup(k, 0, v));
            assertEquals(ConnTable.CREATED, t.getOrCreate(k, 7, ConnState.SYN_RECV, 60 * SECOND, 0, v));
            assertEquals(ConnTable.EXISTING, t.getOrCreate(k, 9, ConnState.SYN_RECV, 60 * SECOND, 0, v));
            assertEquals(7, v.backendId());
            assertTrue(t.lookup(k, SECOND, v));
            assertEquals(ConnState.SYN_RECV, v.state());
            assertTrue(t.update(v, 7, ConnState.ESTABLISHED, 901 * SECOND));
            assertTrue(t.lookup(k, 2 * SECOND, v));
            assertEquals(ConnState.ESTABLISHED, v.state());
            assertEquals(901 * SECOND, v.expiryNanos());
            assertFalse(t.lookup(key(2, 40000), ms(0), v));
            assertFalse(t.lookup(key(1, 40001), ms(0), v));
        }
    }

    @Test
    void aViewIsUnchangedByTheStateItReadAndADeadlineInTheSameMillisecond()
    {
        try (ConnTable t = new ConnTable(100))
        {
            final ConnView v = new ConnView();
            final FlowKey k = key(3, 3);
            // 900.0004 s rounds up to the deadline 900.001 s.
            t.getOrCreate(k, 1, ConnState.ESTABLISHED, 900 * SECOND + 400_000, 0, v);
            assertEquals(900 * SECOND + ms(1), v.expiryNanos());
            assertTrue(v.unchangedBy(ConnState.ESTABLISHED, 900 * SECOND + 900_000), "same millisecond");
            assertTrue(v.unchangedBy(ConnState.ESTABLISHED, 900 * SECOND + ms(1)), "the deadline itself");
            assertFalse(v.unchangedBy(ConnState.ESTABLISHED, 900 * SECOND + ms(1) + 1), "the next millisecond");
            assertFalse(v.unchangedBy(ConnState.ESTABLISHED, 900 * SECOND), "the millisecond before");
            assertFalse(v.unchangedBy(ConnState.FIN_WAIT, 900 * SECOND + 900_000), "another state");
        }
    }

    @Test
    void expiredEntriesAreNotFoundAndAreReplacedOnCreate()
    {
        try (ConnTable t = new ConnTable(100))
        {
            final ConnView v = new ConnView();
            final FlowKey k = key(1, 1);
            t.getOrCreate(k, 1, ConnState.UDP, ms(10), ms(0), v);
            assertTrue(t.lookup(k, ms(9), v));
            assertFalse(t.lookup(k, ms(10), v));
            assertEquals(ConnTable.CREATED, t.getOrCreate(k, 2, ConnState.UDP, ms(50), ms(10), v));
            assertTrue(t.lookup(k, ms(20), v));
            assertEquals(2, v.backendId());
            assertEquals(1, t.countLive());
        }
    }

    @Test
    void deleteAndStaleViewsCannotTouchAReusedSlot()
    {
        try (ConnTable t = new ConnTable(1))
        {
            final ConnView stale = new ConnView();
            final ConnView v = new ConnView();
            t.getOrCreate(key(1, 1), 1, ConnState.UDP, ms(100), ms(0), stale);
            assertTrue(t.delete(stale));
            assertFalse(t.delete(stale), "a view may delete its entry once");
            t.getOrCreate(key(2, 2), 2, ConnState.UDP, ms(100), ms(0), v);
            assertFalse(t.update(stale, 99, ConnState.UDP, ms(1_000)));
            assertTrue(t.lookup(key(2, 2), ms(1), v));
            assertEquals(2, v.backendId(), "the stale update must not have changed the new flow");
        }
    }

    @Test
    void sweeperExpiresInBoundedSteps()
    {
        try (ConnTable t = new ConnTable(1000))
        {
            final ConnView v = new ConnView();
            for (int i = 0; i < 500; i++)
            {
                t.getOrCreate(key(i, 1), 1, ConnState.UDP, ms(i < 300 ? 10 : 1_000), 0, v);
            }
            assertEquals(500, t.countLive());
            int from = 0;
            int steps = 0;
            do
            {
                from = t.expire(from, 64, ms(100));
                steps++;
            }
            while (from != 0);
            assertEquals(200, t.countLive());
            assertEquals((t.slotCount() + 63) / 64, steps);
        }
    }

    /** Fill one bucket (capacity 1 gives a single bucket of 8 ways) and check the eviction order. */
    @Test
    void fullBucketEvictsExpiredThenEmbryonicThenUdpButNeverEstablished()
    {
        try (ConnTable t = new ConnTable(1))
        {
            assertEquals(ConnTable.WAYS, t.slotCount());
            final ConnView v = new ConnView();
            for (int i = 0; i < 5; i++)
            {
                t.getOrCreate(key(i, 1), 1, ConnState.ESTABLISHED, ms(1_000), ms(0), v);
            }
            t.getOrCreate(key(5, 1), 1, ConnState.UDP, ms(500), ms(0), v);
            t.getOrCreate(key(6, 1), 1, ConnState.SYN_RECV, ms(900), ms(0), v);
            t.getOrCreate(key(7, 1), 1, ConnState.ESTABLISHED, ms(50), ms(0), v);
            assertEquals(ConnTable.CREATED, t.getOrCreate(key(8, 1), 2, ConnState.ESTABLISHED, ms(1_000), ms(100), v));
            assertFalse(t.lookup(key(7, 1), ms(100), v), "the expired entry goes first");
            assertEquals(ConnTable.CREATED, t.getOrCreate(key(9, 1), 2, ConnState.ESTABLISHED, ms(1_000), ms(100), v));
            assertFalse(t.lookup(key(6, 1), ms(100), v), "then the embryonic TCP entry");
            assertTrue(t.lookup(key(5, 1), ms(100), v));
            assertEquals(ConnTable.CREATED, t.getOrCreate(key(10, 1), 2, ConnState.ESTABLISHED, ms(1_000), ms(100), v));
            assertFalse(t.lookup(key(5, 1), ms(100), v), "then UDP");
            assertEquals(ConnTable.FULL, t.getOrCreate(key(11, 1), 2, ConnState.SYN_RECV, ms(1_000), ms(100), v));
            for (final int i : new int[] {0, 1, 2, 3, 4, 8, 9, 10})
            {
                assertTrue(t.lookup(key(i, 1), ms(100), v), "established flow " + i + " must survive");
            }
        }
    }

    @Test
    void ipv6KeysAreDistinct()
    {
        try (ConnTable t = new ConnTable(16))
        {
            final ConnView v = new ConnView();
            final FlowKey a = new FlowKey().set(17, 0x2001_0db8_0000_0000L, 1, 53, 0xfd00_0000_0000_0000L, 10, 53);
            final FlowKey b = new FlowKey().set(17, 0x2001_0db8_0000_0001L, 1, 53, 0xfd00_0000_0000_0000L, 10, 53);
            t.getOrCreate(a, 1, ConnState.UDP, ms(100), ms(0), v);
            t.getOrCreate(b, 2, ConnState.UDP, ms(100), ms(0), v);
            assertTrue(t.lookup(a, ms(0), v));
            assertEquals(1, v.backendId());
            assertTrue(t.lookup(b, ms(0), v));
            assertEquals(2, v.backendId());
        }
    }

    /**
     * One million IPv4 flows live off-heap: inserting them allocates (almost) nothing on the heap. Measured with
     * the thread's own allocation counter, so other threads and GC timing cannot disturb it.
     */
    @Test
    void millionFlowsLeaveTheHeapFlat()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        try (ConnTable t = new ConnTable(1_000_000))
        {
            final FlowKey k = new FlowKey();
            final ConnView v = new ConnView();
            final long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
            int created = 0;
            for (int i = 0; i < 1_000_000; i++)
            {
                k.set(6, 0, 0x0000_ffff_0000_0000L | (0x0b000000 + i), 40000, 0, 0x0000_ffff_0a60_000aL, 80);
                if (t.getOrCreate(k, 1, ConnState.ESTABLISHED, ms(1_000), ms(0), v) == ConnTable.CREATED)
                {
                    created++;
                }
            }
            final long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
            assertTrue(created > 999_000, "created " + created);
            assertTrue(allocated < 64 * 1024, "heap allocated while inserting 1M flows: " + allocated + " bytes");
            assertTrue(t.bytes() <= 128L * 1024 * 1024);
        }
    }

    @Test
    void bytesPerEntryIsOneCacheLinePlusItsHeaderWord()
    {
        try (ConnTable t = new ConnTable(1_000_000))
        {
            assertEquals(ConnTable.BUCKET_BYTES / ConnTable.WAYS, 72);
            assertTrue(t.bytes() <= 100L * 1024 * 1024, "1M flows must fit in 100 MiB, took " + t.bytes());
            assertTrue(t.slotCount() >= 1_000_000 / 0.75);
        }
    }

    @Test
    void slotHintPointsAtTheFlowsSlotLineAndIsMinusOneForAnAbsentTag()
    {
        try (ConnTable t = new ConnTable(10_000))
        {
            final ConnView v = new ConnView();
            for (int i = 0; i < 5_000; i++)
            {
                final FlowKey k = key(i, 40000 + (i % 1000));
                t.getOrCreate(k, 1, ConnState.ESTABLISHED, ms(1_000), ms(0), v);
                // The hint is the first way with the flow's tag; with 5,000 flows and 32-bit tags that is its own.
                final int hint = t.slotHint(k);
                assertEquals(v.slot, hint, "flow " + i);
                assertEquals(k.srcLo, t.touchLine(hint + ConnTable.SRC_LO), "the hinted line holds the flow's source");
                final int inFirst = hint - t.firstBucket(k);
                final int inSecond = hint - t.secondBucket(k);
                assertTrue(inFirst > 0 && inFirst < ConnTable.BUCKET_BYTES || inSecond > 0 &&
                    inSecond < ConnTable.BUCKET_BYTES, "the slot lies in one of the flow's two buckets");
            }
            // A hint is only a hint: a wrong one (another flow's slot) still finds the right entry or none.
            final FlowKey first = key(0, 40000);
            final FlowKey second = key(1, 40001);
            assertTrue(t.lookup(first, t.slotHint(second), ms(1), v));
            assertEquals(t.slotHint(first), v.slot);
            final FlowKey absent = key(99_999, 1);
            assertFalse(t.lookup(absent, t.slotHint(first), ms(1), v));
            // Offsets that are no slot (a header line, misaligned, outside the table) are ignored, never read.
            for (final int bad : new int[] {0, 8, t.slotHint(first) + 1, Integer.MAX_VALUE, (int)t.bytes() + 64})
            {
                assertTrue(t.lookup(first, bad, ms(1), v), "hint " + bad);
                assertEquals(t.slotHint(first), v.slot);
            }
            assertEquals(0, t.touchLine(Integer.MAX_VALUE));
            assertEquals(-1, t.slotHint(absent));
            assertEquals(0, t.touchLine(-1));
        }
    }
}
