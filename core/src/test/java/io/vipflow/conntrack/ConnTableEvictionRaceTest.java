package io.vipflow.conntrack;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Eviction never removes an ESTABLISHED TCP entry, even one that became ESTABLISHED while the evicting thread was
 * choosing its victim ({@link ConnTable#getOrCreate}'s eviction order). The eviction ranks the ways of a full bucket
 * by the meta words it reads, then reads its victim again to check that the slot still holds the same entry; the
 * meta CAS that removes the victim must expect the meta word it ranked, or a state change in between (the flow's
 * next packet moving it to ESTABLISHED) goes unnoticed and the ESTABLISHED entry is evicted (regression test: a
 * two-worker soak of a 256-entry table saw a flow's later packet classified as a new flow).
 * <p>
 * One bucket (capacity 1): seven ESTABLISHED flows that never change, and one flow whose owner creates it as
 * SYN_RECV, moves it to ESTABLISHED, refreshes it as its next packet would, checks that it is still there and
 * deletes it, again and again; an evicting thread meanwhile creates a flow of its own in the full bucket and deletes
 * it, so each of its creations evicts the owner's flow while that is SYN_RECV and finds the bucket full once it is
 * ESTABLISHED. The window is the few loads between the ranking of a victim and its second reading. Before the fix,
 * runs of this test on a loaded two-core machine saw dozens of ESTABLISHED entries evicted in 300,000 rounds (about
 * a second).
 */
class ConnTableEvictionRaceTest
{
    private static final int ROUNDS = 3_000_000;
    private static final long FAR = 3_600_000_000_000L;
    private static final long NOW = 1_000_000_000L;

    @Test
    void anEntryThatBecameEstablishedDuringTheVictimChoiceIsNotEvicted() throws Exception
    {
        try (ConnTable table = new ConnTable(1))
        {
            assertEquals(ConnTable.WAYS, table.slotCount());
            final AtomicLong establishedEvicted = new AtomicLong();
            final AtomicLong evicted = new AtomicLong();
            table.removalListener((backendId, state, cause) ->
            {
                if (cause == ConnTable.RemovalListener.EVICTED)
                {
                    evicted.incrementAndGet();
                    if (state == ConnState.ESTABLISHED)
                    {
                        establishedEvicted.incrementAndGet();
                    }
                }
            });
            final ConnView view = new ConnView();
            for (int i = 0; i < ConnTable.WAYS - 1; i++)
            {
                assertEquals(ConnTable.CREATED, table.getOrCreate(key(i), 1, ConnState.ESTABLISHED, FAR, NOW, view));
            }
            final AtomicBoolean done = new AtomicBoolean();
            final AtomicLong creations = new AtomicLong();
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread evictor = new Thread(() ->
            {
                try
                {
                    final FlowKey own = key(100);
                    final ConnView mine = new ConnView();
                    while (!done.get())
                    {
                        if (table.getOrCreate(own, 2, ConnState.SYN_RECV, FAR, NOW, mine) != ConnTable.FULL)
                        {
                            table.delete(mine);
                        }
                        creations.lazySet(creations.get() + 1);
                    }
                }
                catch (final Throwable ex)
                {
                    failure.compareAndSet(null, ex);
                }
            });
            evictor.start();
            final FlowKey flow = key(50);
            // Start the owner's rounds once the evicting thread runs, so that the two overlap.
            while (creations.get() == 0)
            {
                Thread.onSpinWait();
            }
            int lost = 0;
            int established = 0;
            try
            {
                for (int round = 0; round < ROUNDS; round++)
                {
                    if (table.getOrCreate(flow, 3, ConnState.SYN_RECV, FAR, NOW, view) == ConnTable.FULL)
                    {
                        continue;
                    }
                    if (!table.update(view, 3, ConnState.ESTABLISHED, FAR + 1))
                    {
                        continue; // evicted while SYN_RECV: allowed
                    }
                    established++;
                    // The flow's next packet: ESTABLISHED entries are never evicted, so this must succeed.
                    final boolean refreshed = table.update(view, 3, ConnState.ESTABLISHED, FAR + 2);
                    if (!refreshed || !table.lookup(flow, NOW, view))
                    {
                        lost++;
                        continue;
                    }
                    table.delete(view);
                }
            }
            finally
            {
                done.set(true);
                evictor.join();
            }
            assertNull(failure.get());
            final String counts = creations.get() + " creations by the evicting thread, " + evicted.get() +
                " evictions, " + establishedEvicted.get() + " of them ESTABLISHED; " + established +
                " flows established, " + lost + " of them lost";
            assertEquals(0, establishedEvicted.get(), counts);
            assertEquals(0, lost, counts);
            assertTrue(established > ROUNDS / 2, counts);
        }
    }

    private static FlowKey key(final int client)
    {
        return new FlowKey().set(6, 0, 0x0000_ffff_0a01_0000L + client, 40_000, 0, 0x0000_ffff_0a60_000aL, 80);
    }
}
