package io.vipflow.sched;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SchedulersTest
{
    @Test
    void roundRobinCyclesAndKeepsItsCursorAcrossRebuilds()
    {
        final Scheduler rr = Schedulers.factory("rr", 0).create(List.of("a", "b", "c"), null);
        assertEquals(0, rr.pick(0));
        assertEquals(1, rr.pick(0));
        assertEquals(2, rr.pick(0));
        assertEquals(0, rr.pick(0));
        final Scheduler next = Schedulers.factory("rr", 0).create(List.of("a", "b"), rr);
        assertEquals(0, next.pick(0)); // cursor 4 mod 2
        assertEquals(1, next.pick(0));
    }

    @Test
    void randomIsSeededAndCoversEveryBackend()
    {
        final Scheduler a = Schedulers.factory("random", 42).create(List.of("a", "b", "c", "d"), null);
        final Scheduler b = Schedulers.factory("random", 42).create(List.of("a", "b", "c", "d"), null);
        final int[] counts = new int[4];
        for (int i = 0; i < 4000; i++)
        {
            final int pick = a.pick(0);
            assertEquals(pick, b.pick(0));
            counts[pick]++;
        }
        for (final int c : counts)
        {
            assertTrue(c > 800 && c < 1200, "uneven random picks: " + c);
        }
    }

    @Test
    void maglevDependsOnlyOnTheFlowHash()
    {
        final Scheduler m = Schedulers.factory("maglev", 0).create(List.of("a", "b", "c"), null);
        for (long h = 0; h < 1000; h++)
        {
            assertEquals(m.pick(h * 0x9E3779B97F4A7C15L), m.pick(h * 0x9E3779B97F4A7C15L));
        }
    }

    @Test
    void unknownNameIsRejectedWithTheChoices()
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> Schedulers.factory("lottery", 0));
        assertTrue(ex.getMessage().contains("maglev"));
    }
}
