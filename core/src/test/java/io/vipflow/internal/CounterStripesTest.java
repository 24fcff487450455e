package io.vipflow.internal;

import io.vipflow.sched.ConnCounters;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CounterStripesTest
{
    @Test
    void ownsTwiceTheProcessorsAsAPowerOfTwoFromFourToSixteen()
    {
        assertEquals(4, CounterStripes.owned(1));
        assertEquals(4, CounterStripes.owned(2));
        assertEquals(8, CounterStripes.owned(3));
        assertEquals(8, CounterStripes.owned(4));
        assertEquals(16, CounterStripes.owned(6));
        assertEquals(16, CounterStripes.owned(64));
        assertEquals(CounterStripes.OWNED + 1, CounterStripes.COUNT);
        assertEquals(CounterStripes.COUNT, ConnCounters.STRIPES);
    }

    @Test
    void liveThreadsNeverShareAnOwnedStripeAndKeepTheirs() throws Exception
    {
        // More threads alive at once than there are owned stripes: some must get the shared one.
        final int threads = CounterStripes.OWNED + 3;
        final int[] first = new int[threads];
        final int[] again = new int[threads];
        final CyclicBarrier allAlive = new CyclicBarrier(threads);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final List<Thread> started = new ArrayList<>();
        for (int i = 0; i < threads; i++)
        {
            final int me = i;
            final Thread t = new Thread(() ->
            {
                try
                {
                    first[me] = CounterStripes.stripe();
                    allAlive.await(); // nobody ends before everyone has its stripe
                    again[me] = CounterStripes.stripe();
                    allAlive.await();
                }
                catch (final Throwable ex)
                {
                    failure.set(ex);
                }
            });
            started.add(t);
            t.start();
        }
        for (final Thread t : started)
        {
            t.join();
        }
        assertNull(failure.get());
        final Set<Integer> owned = new HashSet<>();
        int shared = 0;
        for (int i = 0; i < threads; i++)
        {
            assertEquals(first[i], again[i], "a thread keeps its stripe");
            if (first[i] == CounterStripes.SHARED)
            {
                shared++;
            }
            else
            {
                assertTrue(owned.add(first[i]), "owned stripe " + first[i] + " given to two live threads");
            }
        }
        assertTrue(shared >= threads - CounterStripes.OWNED, shared + " threads on the shared stripe");
    }

    @Test
    void aDeadOwnersStripeIsTakenOver() throws Exception
    {
        // As many threads as owned stripes, alive together: those that claim a stripe hold it until they end.
        final int threads = CounterStripes.OWNED;
        final int[] stripes = new int[threads];
        final CyclicBarrier allAlive = new CyclicBarrier(threads);
        final List<Thread> started = new ArrayList<>();
        for (int i = 0; i < threads; i++)
        {
            final int me = i;
            final Thread t = new Thread(() ->
            {
                stripes[me] = CounterStripes.stripe();
                try
                {
                    allAlive.await();
                }
                catch (final Exception ex)
                {
                    throw new IllegalStateException(ex);
                }
            });
            started.add(t);
            t.start();
        }
        for (final Thread t : started)
        {
            t.join();
        }
        boolean anyOwned = false;
        for (final int s : stripes)
        {
            anyOwned |= s != CounterStripes.SHARED;
        }
        assertTrue(anyOwned, "the test's threads found every stripe held by other live threads");
        // Their owners have ended: a new thread takes one of their stripes, not the shared one.
        final int[] got = new int[1];
        final Thread late = new Thread(() -> got[0] = CounterStripes.stripe());
        late.start();
        late.join();
        assertNotEquals(CounterStripes.SHARED, got[0], "a stripe whose owner ended is free again");
    }

    @Test
    void aTicketServesOnlyItsOwnThread() throws Exception
    {
        final CounterStripes.Ticket mine = CounterStripes.ticket();
        assertSame(mine, mine.forCaller());
        assertEquals(CounterStripes.stripe(), mine.stripeFor());
        final CounterStripes.Ticket[] other = new CounterStripes.Ticket[1];
        final int[] otherStripe = new int[2];
        final Thread t = new Thread(() ->
        {
            other[0] = mine.forCaller();
            otherStripe[0] = mine.stripeFor();
            otherStripe[1] = CounterStripes.stripe();
        });
        t.start();
        t.join();
        assertTrue(other[0] != mine, "another thread gets a ticket of its own");
        assertEquals(otherStripe[1], otherStripe[0], "another thread is given its own stripe, not the ticket's");
        if (otherStripe[1] != CounterStripes.SHARED)
        {
            assertNotEquals(mine.stripeFor(), otherStripe[1]);
        }
        assertEquals(CounterStripes.stripe(), CounterStripes.Ticket.NONE.stripeFor());
    }

    @Test
    void countsStayExactWithOwnedSharedAndTakenOverStripes() throws Exception
    {
        final ConnCounters counters = new ConnCounters();
        final int adds = 200_000;
        // Wave one: more threads than owned stripes, so owned and shared stripes are written at once, half through
        // a ticket as the data plane does. Wave two starts as wave one ends and takes over the dead owners' stripes.
        long expected = 0;
        for (int wave = 0; wave < 2; wave++)
        {
            final int threads = CounterStripes.OWNED + 2;
            final CyclicBarrier start = new CyclicBarrier(threads);
            final List<Thread> started = new ArrayList<>();
            for (int i = 0; i < threads; i++)
            {
                final boolean ticketed = (i & 1) == 0;
                final Thread t = new Thread(() ->
                {
                    try
                    {
                        start.await();
                    }
                    catch (final Exception ex)
                    {
                        throw new IllegalStateException(ex);
                    }
                    final CounterStripes.Ticket by = CounterStripes.ticket();
                    for (int n = 0; n < adds; n++)
                    {
                        if (ticketed)
                        {
                            counters.addActive(by, 1);
                            counters.addInactive(by, -1);
                        }
                        else
                        {
                            counters.addActive(1);
                            counters.addInactive(-1);
                        }
                    }
                });
                started.add(t);
                t.start();
            }
            for (final Thread t : started)
            {
                t.join();
            }
            expected += (long)threads * adds;
            assertEquals(expected, counters.active(), "active after wave " + wave);
            assertEquals(-expected, counters.inactive(), "inactive after wave " + wave);
        }
    }
}
