package io.vipflow.conntrack;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A refresh of an entry and the entry's removal must be ordered: {@link ConnTable#update} promises to fail when
 * the entry "was removed, reused or changed by another thread since the view was read", and a sweep must not
 * remove an entry whose refresh has already succeeded with a deadline past the sweep's time. Both held only once
 * the deadline moved into the meta word, whose CAS decides every change of an entry (regression tests).
 */
class ConnTableExpiryRaceTest
{
    private static final int ROUNDS = 100_000;

    /** The table keeps deadlines in milliseconds: these tests count time in milliseconds. */
    private static long ms(final long millis)
    {
        return millis * 1_000_000L;
    }

    /**
     * An update through a stale view whose backend and state equal the entry's old ones skips the meta CAS, so
     * nothing checks that the entry is still the one read: it returns true after the entry was deleted, and its
     * expiry CAS (which compares only the old deadline) rewrites the timer of another flow that took the slot
     * with the same deadline.
     */
    @Test
    void staleUpdateWithUnchangedStateFailsAndLeavesAReusedSlotAlone()
    {
        try (ConnTable table = new ConnTable(1))
        {
            final FlowKey first = new FlowKey().set(17, 0, 0x0000_ffff_0a01_0001L, 5000, 0, 0x0000_ffff_0a60_0035L, 53);
            final FlowKey second = new FlowKey().set(17, 0, 0x0000_ffff_0a01_0002L, 5000, 0, 0x0000_ffff_0a60_0035L,
                53);
            final ConnView stale = new ConnView();
            final ConnView other = new ConnView();
            assertEquals(ConnTable.CREATED, table.getOrCreate(first, 1, ConnState.UDP, ms(100), 0, stale));
            assertTrue(table.lookup(first, ms(10), other));
            assertTrue(table.delete(other));
            // Same deadline as the deleted entry (100 ms): created at 10 ms with a timeout of 90 ms.
            assertEquals(ConnTable.CREATED, table.getOrCreate(second, 2, ConnState.UDP, ms(100), ms(10), other));

            assertFalse(table.update(stale, 1, ConnState.UDP, ms(300)), "the entry read into the view is gone");
            assertTrue(table.lookup(second, ms(20), other));
            assertEquals(ms(100), other.expiryNanos(), "the flow now in the slot keeps its own timer");
        }
    }

    /**
     * The sweeper reads meta and expiry, then CASes meta to DEAD. An update that CASes meta (here SYN_RECV to
     * ESTABLISHED) before the sweeper reads it, and stores its new deadline after the sweeper read the old one,
     * returns true, and then the sweeper removes the entry it has just refreshed. A packet that arrives just
     * before its flow's deadline is forwarded, and the flow's next packet finds no entry.
     * <p>
     * Each round one thread creates an entry expiring at 1000, reads it at 999 and refreshes it to 1099 while the
     * other sweeps at 1000; whichever goes first, "refreshed" and "gone at 1000" must not both be true.
     */
    @Test
    void refreshThatSucceededIsNeverSweptAway() throws Exception
    {
        final long deadline = ms(1_000);
        try (ConnTable table = new ConnTable(8))
        {
            final FlowKey key = new FlowKey().set(6, 0, 0x0000_ffff_0a01_0001L, 40_000, 0, 0x0000_ffff_0a60_000aL, 80);
            final AtomicInteger turn = new AtomicInteger();
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread sweeper = new Thread(() ->
            {
                try
                {
                    final ConnView scratch = new ConnView();
                    for (int round = 0; round < ROUNDS; round++)
                    {
                        awaitTurn(turn, 2 * round + 1);
                        table.sweep(0, table.slotCount(), deadline, null, scratch);
                        turn.incrementAndGet();
                    }
                }
                catch (final Throwable ex)
                {
                    failure.compareAndSet(null, ex);
                }
            });
            sweeper.start();
            final ConnView view = new ConnView();
            int lost = 0;
            for (int round = 0; round < ROUNDS; round++)
            {
                table.getOrCreate(key, 1, ConnState.SYN_RECV, deadline, 0, view);
                assertTrue(table.lookup(key, deadline - ms(1), view));
                turn.incrementAndGet();
                final boolean refreshed = table.update(view, 1, ConnState.ESTABLISHED, deadline - ms(1) + ms(100));
                awaitTurn(turn, 2 * round + 2);
                final boolean present = table.lookup(key, deadline, view);
                if (refreshed && !present)
                {
                    lost++;
                }
                if (present)
                {
                    table.delete(view);
                }
            }
            sweeper.join();
            assertNull(failure.get());
            assertEquals(0, lost, "refreshes that succeeded and were then swept with their old deadline");
        }
    }

    private static void awaitTurn(final AtomicInteger turn, final int value)
    {
        while (turn.get() != value)
        {
            Thread.onSpinWait();
        }
    }
}
