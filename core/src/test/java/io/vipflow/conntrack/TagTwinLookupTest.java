package io.vipflow.conntrack;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Flows whose hashes are equal (same buckets, same tag, same home way) but whose keys differ. A lookup outside the
 * home way first goes by the tag alone and stops at the first live way with it; when that way holds another key,
 * the lookup must go on to the full scan and still find its own entry, and must still notice its own expired entry.
 */
class TagTwinLookupTest
{
    private static final long SECOND = 1_000_000_000L;
    private static final long HASH = 0x7777_0001_2345_6789L;

    private static FlowKey[] twins(final int count)
    {
        final FlowKey[] twins = new FlowKey[count];
        for (int i = 0; i < count; i++)
        {
            twins[i] = ConnTableTest.key(i + 1, 40_000);
            twins[i].hash = HASH;
        }
        return twins;
    }

    /** Creates an ESTABLISHED entry for each twin, to backend 10 + its index; twin {@code shortLived} lives 1 ms. */
    private static void createAll(final ConnTable t, final FlowKey[] twins, final int shortLived, final ConnView v)
    {
        for (int i = 0; i < twins.length; i++)
        {
            final long expiry = i == shortLived ? SECOND / 1000 : 900 * SECOND;
            assertEquals(ConnTable.CREATED, t.getOrCreate(twins[i], 10 + i, ConnState.ESTABLISHED, expiry, 0, v));
        }
    }

    @Test
    void aFlowBehindTwinsWithItsTagIsFound()
    {
        try (ConnTable t = new ConnTable(1000))
        {
            final ConnView v = new ConnView();
            final FlowKey[] twins = twins(6);
            createAll(t, twins, -1, v);
            // Each twin after the second has at least one other twin in a way the tag pass reads before its own.
            for (int i = twins.length - 1; i >= 0; i--)
            {
                assertTrue(t.lookup(twins[i], SECOND, v), "twin " + i);
                assertEquals(10 + i, v.backendId(), "twin " + i);
            }
            final FlowKey stranger = ConnTableTest.key(99, 40_000);
            stranger.hash = HASH;
            assertFalse(t.lookup(stranger, SECOND, v), "a key with the tag but no entry");
        }
    }

    @Test
    void anExpiredFlowBehindTwinsIsNotFoundAndItsWayIsReused()
    {
        try (ConnTable t = new ConnTable(1000))
        {
            final ConnView v = new ConnView();
            final FlowKey[] twins = twins(5);
            createAll(t, twins, 3, v);
            assertEquals(5, t.countLive());
            assertFalse(t.lookup(twins[3], SECOND, v), "expired");
            assertEquals(ConnTable.CREATED, t.getOrCreate(twins[3], 20, ConnState.SYN_RECV, 2 * SECOND, SECOND, v));
            assertEquals(5, t.countLive(), "the expired entry made way for the new one");
            assertTrue(t.lookup(twins[3], SECOND, v));
            assertEquals(20, v.backendId());
        }
    }
}
