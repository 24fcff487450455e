package io.vipflow.conntrack;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.vipflow.conntrack.ConnTableTest.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An entry that {@link ConnTable#getOrCreate} removes to take its way for the new entry (the key's own expired entry,
 * or an eviction's victim) is reported once, to {@link ConnTable.RemovalListener#onReplaced} when the new entry is
 * published, and the creator's view describes it ({@link ConnView#replaced()}), so that a creator can account for
 * the pair as one change. A listener that only implements {@code onRemoved} hears it there, as before.
 */
class ConnTableReplacementTest
{
    private static final long MS = 1_000_000L;

    /** Records every report, {@code onRemoved} as "removed" and {@code onReplaced} as "replaced". */
    private static final class Recorder implements ConnTable.RemovalListener
    {
        final List<String> reports = new ArrayList<>();

        /** A recorder listening to {@code table}. */
        static Recorder on(final ConnTable table)
        {
            final Recorder recorder = new Recorder();
            table.removalListener(recorder);
            return recorder;
        }

        @Override
        public void onRemoved(final int backendId, final int state, final int cause)
        {
            reports.add("removed " + backendId + " " + state + " " + cause);
        }

        @Override
        public void onReplaced(final int backendId, final int state, final int cause)
        {
            reports.add("replaced " + backendId + " " + state + " " + cause);
        }
    }

    @Test
    void theKeysOwnExpiredEntryIsReplacedAndReportedOnce()
    {
        try (ConnTable t = new ConnTable(100))
        {
            final Recorder recorder = Recorder.on(t);
            final ConnView v = new ConnView();
            final FlowKey k = key(1, 1);
            assertEquals(ConnTable.CREATED, t.getOrCreate(k, 3, ConnState.SYN_RECV, 10 * MS, 0, v));
            assertFalse(v.replaced(), "a creation in a free way replaces nothing");

            assertEquals(ConnTable.CREATED, t.getOrCreate(k, 4, ConnState.UDP, 50 * MS, 20 * MS, v));
            assertTrue(v.replaced());
            assertEquals(3, v.replacedBackendId());
            assertEquals(ConnState.SYN_RECV, v.replacedState());
            assertEquals(4, v.backendId(), "the view holds the new entry");
            assertEquals(List.of("replaced 3 " + ConnState.SYN_RECV + " " + ConnTable.RemovalListener.EXPIRED),
                recorder.reports);
            assertEquals(1, t.countLive());

            assertEquals(ConnTable.EXISTING, t.getOrCreate(k, 5, ConnState.UDP, 90 * MS, 30 * MS, v));
            assertFalse(v.replaced(), "a call that finds the entry live replaced nothing");
            assertEquals(1, recorder.reports.size());
        }
    }

    @Test
    void anEvictionsVictimIsReplaced()
    {
        // Capacity 1: one bucket of WAYS ways, so every key competes for it.
        try (ConnTable t = new ConnTable(1))
        {
            final Recorder recorder = Recorder.on(t);
            final ConnView v = new ConnView();
            for (int i = 0; i < ConnTable.WAYS - 1; i++)
            {
                t.getOrCreate(key(i, 1), 1, ConnState.ESTABLISHED, 1_000 * MS, 0, v);
            }
            t.getOrCreate(key(100, 1), 7, ConnState.SYN_RECV, 900 * MS, 0, v);
            assertEquals(ConnTable.CREATED, t.getOrCreate(key(200, 1), 2, ConnState.SYN_RECV, 1_000 * MS, 100 * MS, v));
            assertTrue(v.replaced());
            assertEquals(7, v.replacedBackendId());
            assertEquals(List.of("replaced 7 " + ConnState.SYN_RECV + " " + ConnTable.RemovalListener.EVICTED),
                recorder.reports);
            assertFalse(t.lookup(key(100, 1), 100 * MS, v), "the victim is gone");
            assertTrue(t.lookup(key(200, 1), 100 * MS, v));
        }
    }

    /**
     * A lookup that meets the key's expired entry in its home way misses without reading the other ways, and leaves
     * that way as the new entry's. If another thread (on a later clock) refreshes the entry before the insert, the
     * insert's removal must fail and find the entry live: the flow keeps its backend and no second entry appears.
     */
    @Test
    void aRefreshBetweenTheMissAndTheInsertKeepsTheEntry()
    {
        try (ConnTable t = new ConnTable(100))
        {
            final Recorder recorder = Recorder.on(t);
            final ConnView creator = new ConnView();
            final ConnView refresher = new ConnView();
            final FlowKey k = key(3, 3);
            assertEquals(ConnTable.CREATED, t.getOrCreate(k, 3, ConnState.UDP, 10 * MS, 0, creator));

            assertFalse(t.lookup(k, ConnTable.EXPECT_MISS, 20 * MS, creator), "expired at 20 ms");
            assertTrue(t.lookup(k, 5 * MS, refresher), "still live at 5 ms");
            assertTrue(t.update(refresher, 3, ConnState.UDP, 100 * MS));

            assertEquals(ConnTable.EXISTING, t.getOrCreate(k, 9, ConnState.UDP, 60 * MS, 20 * MS, creator));
            assertEquals(3, creator.backendId(), "the refreshed entry, not a new one");
            assertFalse(creator.replaced());
            assertEquals(1, t.countLive());
            assertEquals(List.of(), recorder.reports, "nothing was removed");
        }
    }

    @Test
    void theInsertAfterAnExpiredHomeMissTakesThatWay()
    {
        try (ConnTable t = new ConnTable(100))
        {
            final ConnView v = new ConnView();
            final FlowKey k = key(4, 4);
            t.getOrCreate(k, 3, ConnState.UDP, 10 * MS, 0, v);
            final int slot = v.slot;
            assertFalse(t.lookup(k, ConnTable.EXPECT_MISS, 20 * MS, v));
            assertEquals(ConnTable.CREATED, t.getOrCreate(k, 4, ConnState.UDP, 60 * MS, 20 * MS, v));
            assertTrue(v.replaced());
            assertEquals(slot, v.slot, "the expired entry's way");
            assertEquals(1, t.countLive());
        }
    }

    @Test
    void aListenerWithoutOnReplacedHearsTheRemoval()
    {
        try (ConnTable t = new ConnTable(100))
        {
            final List<String> removed = new ArrayList<>();
            t.removalListener((backendId, state, cause) -> removed.add(backendId + " " + state + " " + cause));
            final ConnView v = new ConnView();
            final FlowKey k = key(2, 2);
            t.getOrCreate(k, 3, ConnState.UDP, 10 * MS, 0, v);
            assertEquals(ConnTable.CREATED, t.getOrCreate(k, 4, ConnState.UDP, 50 * MS, 20 * MS, v));
            assertEquals(List.of("3 " + ConnState.UDP + " " + ConnTable.RemovalListener.EXPIRED), removed);
        }
    }
}
