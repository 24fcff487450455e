package io.vipflow.conntrack;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.vipflow.conntrack.ConnTableTest.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The layout's arithmetic and the home-way placement that gives a lookup one level of dependent misses. */
class ConnTableLayoutTest
{
    private static final long EXPIRY = 60_000_000_000L;

    @Test
    void everySlotLineHasItsOwnHeaderWordInItsBucketAndNothingElseIsASlot()
    {
        final int buckets = 3;
        final List<Integer> headers = new ArrayList<>();
        for (int b = 0; b < buckets; b++)
        {
            for (int way = 0; way < ConnTableLayout.WAYS; way++)
            {
                final int bucket = ConnTableLayout.bucket(b);
                final int slot = ConnTableLayout.slot(bucket, way);
                final int header = ConnTableLayout.headerIndex(bucket, way);
                assertTrue(ConnTableLayout.isSlot(slot, buckets), "slot " + slot);
                assertEquals(header, ConnTableLayout.headerOfSlot(slot));
                assertTrue(header >= bucket && header + Long.BYTES <= bucket + ConnTableLayout.LINE,
                    "the header word lies in its bucket's first line");
                assertTrue(slot >= bucket + ConnTableLayout.LINE && slot + ConnTableLayout.LINE <= bucket +
                    ConnTableLayout.BUCKET_BYTES, "the slot line lies in its bucket after the header line");
                final int slotNo = b * ConnTableLayout.WAYS + way;
                assertEquals(bucket, ConnTableLayout.bucketOfSlotNumber(slotNo));
                assertEquals(way, ConnTableLayout.wayOfSlotNumber(slotNo));
                assertFalse(headers.contains(header));
                headers.add(header);
                assertFalse(ConnTableLayout.isSlot(header, buckets), "a header word is no slot: " + header);
                assertFalse(ConnTableLayout.isSlot(slot + 8, buckets), "misaligned: " + (slot + 8));
            }
        }
        assertFalse(ConnTableLayout.isSlot(ConnTableLayout.bucket(buckets) + ConnTableLayout.LINE, buckets));
        assertFalse(ConnTableLayout.isSlot(-ConnTableLayout.LINE, buckets));
    }

    @Test
    void bucketsAndHomeWayStayInsideTheTable()
    {
        final FlowKey k = new FlowKey();
        for (final int buckets : new int[] {1, 7, 1000, 333_333})
        {
            for (int i = 0; i < 10_000; i++)
            {
                k.set(6, 0, 0x0000_ffff_0b00_0000L + i * 7919L, 1024 + i % 60000, 0, 0x0000_ffff_0a60_000aL, 80);
                final int b1 = ConnTableLayout.firstBucket(k.hash, buckets);
                final int b2 = ConnTableLayout.secondBucket(k.hash, buckets);
                assertTrue(b1 >= 0 && b1 < ConnTableLayout.bucket(buckets) && b1 % ConnTableLayout.BUCKET_BYTES == 0);
                assertTrue(b2 >= 0 && b2 < ConnTableLayout.bucket(buckets) && b2 % ConnTableLayout.BUCKET_BYTES == 0);
                final int home = ConnTableLayout.homeWay(ConnSlots.tagOf(k.hash));
                assertTrue(home >= 0 && home < ConnTableLayout.WAYS);
            }
        }
    }

    /** The table reads and writes without a bounds check per access, so a view from a larger table is refused. */
    @Test
    void aViewReadFromALargerTableIsRefusedInsteadOfWrittenOutsideTheTable()
    {
        try (ConnTable small = new ConnTable(1); ConnTable large = new ConnTable(100_000))
        {
            final ConnView v = new ConnView();
            int i = 0;
            do
            {
                assertEquals(ConnTable.CREATED, large.getOrCreate(key(++i, 40000), 1, ConnState.UDP, EXPIRY, 0, v));
            }
            while (v.slot < small.bytes());
            final ConnView far = v;
            assertThrows(IllegalArgumentException.class, () -> small.update(far, 1, ConnState.UDP, EXPIRY));
            assertThrows(IllegalArgumentException.class, () -> small.delete(far));
            assertTrue(large.update(v, 1, ConnState.UDP, 2 * EXPIRY), "the table it came from still takes it");
        }
    }

    @Test
    void aNewFlowTakesItsHomeWayWhenFreeAndAnotherWayOtherwise()
    {
        // One bucket: every flow's first bucket is bucket 0, so flows with the same home way compete for it.
        try (ConnTable t = new ConnTable(1))
        {
            final ConnView v = new ConnView();
            final FlowKey first = key(1, 40000);
            final int home = t.homeSlot(first);
            FlowKey rival = null;
            for (int i = 2; rival == null; i++)
            {
                final FlowKey k = key(i, 40000);
                if (t.homeSlot(k) == home)
                {
                    rival = k;
                }
            }
            assertEquals(ConnTable.CREATED, t.getOrCreate(first, 1, ConnState.ESTABLISHED, EXPIRY, 0, v));
            assertEquals(home, v.slot, "a flow whose home way is free is stored there");
            assertEquals(ConnTable.CREATED, t.getOrCreate(rival, 2, ConnState.ESTABLISHED, EXPIRY, 0, v));
            assertNotEquals(home, v.slot, "the home way is taken: another way");
            assertTrue(t.lookup(rival, 0, v));
            assertEquals(2, v.backendId(), "a flow outside its home way is still found");
            assertTrue(t.lookup(first, 0, v));
            assertEquals(home, v.slot);
            assertTrue(t.delete(v));
            assertTrue(t.lookup(rival, 0, v), "removing the home way's flow leaves the other where it is");
            assertEquals(2, v.backendId());
            assertFalse(t.lookup(first, 0, v));
            final FlowKey third = key(1, 40000);
            assertEquals(ConnTable.CREATED, t.getOrCreate(third, 3, ConnState.ESTABLISHED, EXPIRY, 0, v));
            assertEquals(home, v.slot, "the freed home way is taken again");
        }
    }

    /** A flow whose entry has expired gets its new entry in the same way, with its removal counted once. */
    @Test
    void aFlowCreatedAgainAfterItsEntryExpiredTakesTheSameWay()
    {
        try (ConnTable t = new ConnTable(1000))
        {
            final int[] removals = new int[1];
            t.removalListener((backendId, state, cause) ->
            {
                assertEquals(ConnTable.RemovalListener.EXPIRED, cause);
                assertEquals(ConnState.SYN_RECV, state);
                removals[0]++;
            });
            final ConnView v = new ConnView();
            for (int i = 0; i < 200; i++)
            {
                final FlowKey k = key(i, 40000);
                assertEquals(ConnTable.CREATED, t.getOrCreate(k, 1, ConnState.SYN_RECV, 1_000_000, 0, v));
                final int slot = v.slot;
                assertEquals(ConnTable.CREATED, t.getOrCreate(k, 2, ConnState.SYN_RECV, 10_000_000, 5_000_000, v));
                assertEquals(slot, v.slot, "flow " + i);
                assertTrue(t.lookup(k, 5_000_000, v));
                assertEquals(2, v.backendId());
            }
            assertEquals(200, removals[0]);
            assertEquals(200, t.countLive());
        }
    }

    /**
     * At the table's design load (capacity flows in capacity / 0.75 slots) more than half the flows sit in their home
     * way, which a lookup reads together with its header. Placing every flow first-come in its home slot would leave,
     * of n flows over m = n / 0.75 home slots, about m (1 - e^(-n/m)) / n = 70 % at home; the table gives up some of
     * that to keep its two-bucket balance when a first bucket fills, and still refuses almost no flow.
     */
    @Test
    void mostFlowsAtDesignLoadLieInTheirHomeWay()
    {
        assertAtHome(100_000, 100_000, 0.5); // 55 % measured
    }

    /** With the table twice the flows (as the classify benchmarks size it) three in four sit at home: 77 %. */
    @Test
    void atHalfTheDesignLoadThreeFlowsInFourLieInTheirHomeWay()
    {
        assertAtHome(100_000, 200_000, 0.75);
    }

    /**
     * A flow that does not lie in its first bucket lies mostly in its second home way, whose slot line a lookup loads
     * together with the second bucket's header (two levels of misses; another way of the second bucket needs three).
     * Measured with these keys: at the design load 55.0 % of flows at home, 20.7 % elsewhere in the first bucket,
     * 15.1 % in the second home way, 9.2 % elsewhere in the second bucket (62 % of those in the second bucket at its
     * second home); with the table twice the flows 77.4 %, 8.4 %, 11.6 %, 2.6 % (82 %).
     */
    @Test
    void flowsInTheSecondBucketLieMostlyInTheirSecondHomeWay()
    {
        assertWhere(100_000, 100_000, 0.5);
        assertWhere(100_000, 200_000, 0.75);
    }

    private static void assertWhere(final int flows, final int capacity, final double fraction)
    {
        try (ConnTable t = new ConnTable(capacity))
        {
            final FlowKey k = new FlowKey();
            final ConnView v = new ConnView();
            final int[] where = new int[4];
            for (int i = 0; i < flows; i++)
            {
                k.set(6, 0, 0x0000_ffff_0b00_0000L + i, 40000 + i % 7, 0, 0x0000_ffff_0a60_000aL, 80);
                t.getOrCreate(k, 1, ConnState.ESTABLISHED, EXPIRY, 0, v);
            }
            for (int i = 0; i < flows; i++)
            {
                k.set(6, 0, 0x0000_ffff_0b00_0000L + i, 40000 + i % 7, 0, 0x0000_ffff_0a60_000aL, 80);
                if (t.lookup(k, 0, v))
                {
                    final int inFirst = v.slot - t.firstBucket(k);
                    where[v.slot == t.homeSlot(k) ? 0 : inFirst > 0 && inFirst < ConnTable.BUCKET_BYTES ? 1 :
                        v.slot == t.secondHomeSlot(k) ? 2 : 3]++;
                }
            }
            assertTrue(where[2] >= (where[2] + where[3]) * fraction, "flows in their second home way: " + where[2] +
                " of " + (where[2] + where[3]) + " in the second bucket");
        }
    }

    private static void assertAtHome(final int flows, final int capacity, final double fraction)
    {
        try (ConnTable t = new ConnTable(capacity))
        {
            final FlowKey k = new FlowKey();
            final ConnView v = new ConnView();
            int atHome = 0;
            int created = 0;
            for (int i = 0; i < flows; i++)
            {
                k.set(6, 0, 0x0000_ffff_0b00_0000L + i, 40000 + i % 7, 0, 0x0000_ffff_0a60_000aL, 80);
                if (t.getOrCreate(k, 1, ConnState.ESTABLISHED, EXPIRY, 0, v) == ConnTable.CREATED)
                {
                    created++;
                }
            }
            for (int i = 0; i < flows; i++)
            {
                k.set(6, 0, 0x0000_ffff_0b00_0000L + i, 40000 + i % 7, 0, 0x0000_ffff_0a60_000aL, 80);
                if (t.lookup(k, 0, v) && v.slot == t.homeSlot(k))
                {
                    atHome++;
                }
            }
            assertTrue(created >= flows - flows / 1000, "created " + created);
            assertTrue(atHome >= flows * fraction, "flows in their home way: " + atHome + " of " + flows);
        }
    }
}
