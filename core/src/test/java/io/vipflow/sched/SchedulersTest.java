package io.vipflow.sched;

import io.vipflow.packet.PacketTuple;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SchedulersTest
{
    private static final PacketTuple P = new PacketTuple();

    static List<Destination> dests(final String... names)
    {
        final List<Destination> out = new ArrayList<>();
        for (final String n : names)
        {
            out.add(Destination.of(n));
        }
        return out;
    }

    @Test
    void quiescedDestinationsAreNeverPicked()
    {
        final List<Destination> d = new ArrayList<>(dests("a", "b", "c"));
        d.set(1, new Destination("b", 0, new ConnCounters()));
        for (final String name : List.of("rr", "random", "maglev"))
        {
            final Scheduler s = Schedulers.factory(name, 1).create(d, null);
            for (int i = 0; i < 300; i++)
            {
                final int pick = s.pick(P, i * 0x9E3779B97F4A7C15L);
                if (pick == 1)
                {
                    throw new AssertionError(name + " picked a weight-0 destination");
                }
            }
            final List<Destination> none = List.of(new Destination("x", 0, new ConnCounters()));
            assertEquals(-1, Schedulers.factory(name, 1).create(none, null).pick(P, 5), name);
        }
    }

    @Test
    void roundRobinCyclesAndKeepsItsCursorAcrossRebuilds()
    {
        final Scheduler rr = Schedulers.factory("rr", 0).create(dests("a", "b", "c"), null);
        assertEquals(0, rr.pick(P, 0));
        assertEquals(1, rr.pick(P, 0));
        assertEquals(2, rr.pick(P, 0));
        assertEquals(0, rr.pick(P, 0));
        final Scheduler next = Schedulers.factory("rr", 0).create(dests("a", "b"), rr);
        assertEquals(0, next.pick(P, 0)); // cursor 4 mod 2
        assertEquals(1, next.pick(P, 0));
    }

    @Test
    void randomIsSeededAndCoversEveryBackend()
    {
        final Scheduler a = Schedulers.factory("random", 42).create(dests("a", "b", "c", "d"), null);
        final Scheduler b = Schedulers.factory("random", 42).create(dests("a", "b", "c", "d"), null);
        final int[] counts = new int[4];
        for (int i = 0; i < 4000; i++)
        {
            final int pick = a.pick(P, 0);
            assertEquals(pick, b.pick(P, 0));
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
        final Scheduler m = Schedulers.factory("maglev", 0).create(dests("a", "b", "c"), null);
        for (long h = 0; h < 1000; h++)
        {
            assertEquals(m.pick(P, h * 0x9E3779B97F4A7C15L), m.pick(P, h * 0x9E3779B97F4A7C15L));
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
