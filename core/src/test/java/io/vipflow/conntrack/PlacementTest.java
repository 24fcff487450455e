package io.vipflow.conntrack;

import org.junit.jupiter.api.Test;

import static io.vipflow.conntrack.ConnTableTest.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where a new entry goes ({@link Placement}), and that a lookup's miss hands its decision to the create that
 * follows it without changing what the create does.
 */
class PlacementTest
{
    private static final long EXPIRY = 60_000_000_000L;
    private static final long LIVE = (7L << 32) | ConnTable.LIVE;

    /** An EMPTY header word with a version of its own per candidate, so the test can tell which was taken. */
    private static long empty(final int c)
    {
        return (5L + c) << 8;
    }

    private static Placement read(final int home, final int usedFirst, final int usedSecond)
    {
        return read(home, 0, usedFirst, usedSecond);
    }

    /** Reads two buckets whose used ways are the lowest ones but the first bucket's home way, which stays free. */
    private static Placement read(final int home, final int home2, final int usedFirst, final int usedSecond)
    {
        final Placement p = new Placement();
        p.start(home, home2);
        int placed = 0;
        for (int c = 0; c < ConnTableLayout.WAYS; c++)
        {
            final boolean used = c != home && placed < usedFirst;
            placed += used ? 1 : 0;
            p.see(c, used ? LIVE : empty(c));
        }
        for (int c = ConnTableLayout.WAYS; c < 2 * ConnTableLayout.WAYS; c++)
        {
            p.see(c, c - ConnTableLayout.WAYS < usedSecond ? LIVE : empty(c));
        }
        p.decide();
        return p;
    }

    @Test
    void theHomeWayWhenFreeUnlessTheFirstBucketIsHalfFullAndFullerThanTheSecond()
    {
        final Placement quiet = read(3, 2, 6);
        assertEquals(3, quiet.way, "first bucket under half full: home");
        assertEquals(empty(3), quiet.header, "the header word read there, for the claiming CAS");
        assertEquals(3, read(3, 5, 6).way, "half full but not fuller than the second: home");
        final Placement crowded = read(3, 5, 2);
        assertEquals(ConnTableLayout.WAYS + 2, crowded.way, "half full and fuller: the second bucket's first free way");
        assertEquals(empty(ConnTableLayout.WAYS + 2), crowded.header);
        assertEquals(3, read(3, 7, 8).way, "second bucket full: home, however full the first");
    }

    @Test
    void inTheSecondBucketTheSecondHomeWayWhenFree()
    {
        final Placement p = read(3, 5, 5, 2);
        assertEquals(ConnTableLayout.WAYS + 5, p.way, "the second bucket chosen: its second home way, not way 2");
        assertEquals(empty(ConnTableLayout.WAYS + 5), p.header);
        assertEquals(ConnTableLayout.WAYS + 2, read(3, 1, 5, 2).way, "second home way taken: the first free way");
        assertEquals(3, read(3, 5, 2, 6).way, "the home way still comes first");
    }

    @Test
    void noFreeWayMeansEviction()
    {
        final Placement p = new Placement();
        p.start(0, 0);
        for (int c = 0; c < 2 * ConnTableLayout.WAYS; c++)
        {
            p.see(c, LIVE);
        }
        p.decide();
        assertEquals(Placement.NONE, p.way);
    }

    @Test
    void aDecisionIsTakenOnceAndOnlyForItsHash()
    {
        final Placement p = read(1, 0, 0);
        p.keepFor(42);
        assertFalse(p.take(41), "another hash");
        assertFalse(p.take(42), "a failed take still uses it up: the next create reads the buckets itself");
        p.keepFor(42);
        assertTrue(p.take(42));
        assertFalse(p.take(42));
    }

    @Test
    void aCreateAfterAMissTakesTheWayTheMissChoseAndReplacesTheKeysExpiredEntry()
    {
        try (ConnTable t = new ConnTable(1000))
        {
            final ConnView v = new ConnView();
            final FlowKey k = key(1, 40000);
            assertFalse(t.lookup(k, 0, v));
            assertEquals(ConnTableLayout.homeWay(ConnSlots.tagOf(k.hash)), v.placement.way, "empty table: home");
            assertEquals(ConnTable.CREATED, t.getOrCreate(k, 1, ConnState.UDP, 1_000_000, 0, v));
            assertEquals(ConnTableLayout.slot(ConnTableLayout.firstBucket(k.hash, t.slotCount() / ConnTable.WAYS),
                v.placement.way), v.slot, "created where the miss decided");

            // Expired: the miss notes the entry, the create removes it (counted once) and takes its way.
            final int[] expired = new int[1];
            t.removalListener((backendId, state, cause) -> expired[0] += cause == ConnTable.RemovalListener.EXPIRED ?
                1 : 100);
            final int oldSlot = v.slot;
            assertFalse(t.lookup(k, 2_000_000, v));
            assertTrue(v.placement.expiredWay >= 0);
            assertEquals(ConnTable.CREATED, t.getOrCreate(k, 2, ConnState.UDP, EXPIRY, 2_000_000, v));
            assertEquals(oldSlot, v.slot, "the expired entry's way");
            assertEquals(1, expired[0], "removed once, as expired");
            assertEquals(1, t.countLive(), "one entry per key");
            assertTrue(t.lookup(k, 2_000_000, v));
            assertEquals(2, v.backendId());
        }
    }

    @Test
    void aCreateWhoseChosenWayWasTakenMeanwhileReadsTheBucketsAgain()
    {
        try (ConnTable t = new ConnTable(1000))
        {
            final ConnView mine = new ConnView();
            final ConnView other = new ConnView();
            final FlowKey k = key(7, 40000);
            assertFalse(t.lookup(k, 0, mine));
            // Another thread creates the same key first, in the way this miss chose.
            assertEquals(ConnTable.CREATED, t.getOrCreate(k, 3, ConnState.UDP, EXPIRY, 0, other));
            assertEquals(ConnTable.EXISTING, t.getOrCreate(k, 4, ConnState.UDP, EXPIRY, 0, mine));
            assertEquals(3, mine.backendId(), "the winner's backend");
            assertEquals(1, t.countLive());
        }
    }
}
