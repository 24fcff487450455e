package io.vipflow.sched;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Unforced Maglev tables follow the backend count, with hysteresis; a forced size stays. */
class MaglevSizingTest
{
    private static List<Destination> destinations(final int n)
    {
        final List<Destination> out = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            out.add(new Destination("10.244." + (i / 250) + "." + (i % 250 + 1) + ":8080", 1, new ConnCounters()));
        }
        return out;
    }

    @Test
    void everyListedSizeIsPrimeAndSizesGrow()
    {
        for (int i = 0; i < MaglevTable.AUTO_SIZES.length; i++)
        {
            MaglevTable.requirePrime(MaglevTable.AUTO_SIZES[i]);
            assertTrue(i == 0 || MaglevTable.AUTO_SIZES[i] > MaglevTable.AUTO_SIZES[i - 1]);
        }
    }

    @Test
    void theSizeIsTheSmallestListedPrimeOfAtLeastAHundredSlotsPerBackend()
    {
        assertEquals(251, MaglevTable.sizeFor(1, 0), "the floor");
        assertEquals(1021, MaglevTable.sizeFor(10, 0));
        assertEquals(2039, MaglevTable.sizeFor(11, 0));
        assertEquals(131071, MaglevTable.sizeFor(1000, 0));
        assertEquals(MaglevTable.MAX_SIZE, MaglevTable.sizeFor(60000, 0), "capped at the paper's large table");
        for (int n = 1; n <= 6553; n++)
        {
            assertTrue(MaglevTable.sizeFor(n, 0) >= 100 * n, "M >= 100 N for N = " + n);
        }
    }

    @Test
    void aCountFlappingAcrossABoundaryKeepsTheLargerTable()
    {
        final SchedulerFactory auto = Schedulers.factory("maglev", 0);
        final MaglevScheduler ten = (MaglevScheduler)auto.create(destinations(10), null);
        assertEquals(1021, ten.size());
        final MaglevScheduler eleven = (MaglevScheduler)auto.create(destinations(11), ten);
        assertEquals(2039, eleven.size(), "grown past the boundary");
        final MaglevScheduler tenAgain = (MaglevScheduler)auto.create(destinations(10), eleven);
        assertEquals(2039, tenAgain.size(), "one step back keeps the size");
        final MaglevScheduler elevenAgain = (MaglevScheduler)auto.create(destinations(11), tenAgain);
        assertEquals(2039, elevenAgain.size());
        final MaglevScheduler five = (MaglevScheduler)auto.create(destinations(5), elevenAgain);
        assertEquals(509, five.size(), "half the boundary shrinks it");
        final MaglevScheduler sameFive = (MaglevScheduler)auto.create(destinations(5), five);
        assertTrue(sameFive.sharesTableWith(five), "an unchanged list reuses the table");
    }

    @Test
    void aForcedSizeStaysWhateverTheCount()
    {
        final SchedulerFactory forced = Schedulers.factory("maglev", "table-size=65537", 0);
        assertEquals(65537, ((MaglevScheduler)forced.create(destinations(3), null)).size());
        final MaglevScheduler small = (MaglevScheduler)Schedulers.factory("maglev", 0).create(destinations(3), null);
        final MaglevScheduler grown = (MaglevScheduler)forced.create(destinations(3), small);
        assertEquals(65537, grown.size());
        assertEquals(0, ((MaglevScheduler)Schedulers.factory("maglev", 0).create(destinations(0), null)).size(),
            "no eligible backend, no table");
    }
}
