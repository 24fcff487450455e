package io.vipflow.sched;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MaglevTableTest
{
    /**
     * Maglev paper, Table 1 (M = 7): B0 offset 3 skip 4, B1 offset 0 skip 2, B2 offset 3 skip 1. The table
     * before removal is B1 B0 B1 B0 B2 B2 B0; with B1 gone, B0 and B2 claim in turn from the same
     * permutations: B0 B0 B0 B0 B2 B2 B2 (worked by hand from Pseudocode 1).
     */
    @Test
    void paperTableOne()
    {
        final char[] before = MaglevTable.populate(new int[] {3, 0, 3}, new int[] {4, 2, 1}, 7);
        assertArrayEquals(new char[] {1, 0, 1, 0, 2, 2, 0}, before);
        final char[] after = MaglevTable.populate(new int[] {3, 3}, new int[] {4, 1}, 7);
        assertArrayEquals(new char[] {0, 0, 0, 0, 1, 1, 1}, after);
    }

    @Test
    void everyBackendGetsFloorOrCeilingShare()
    {
        for (final int n : new int[] {1, 2, 3, 7, 100, 1000})
        {
            final char[] table = MaglevTable.build(names(n, "b"), MaglevTable.DEFAULT_SIZE);
            final int[] counts = new int[n];
            for (final char c : table)
            {
                counts[c]++;
            }
            final int floor = MaglevTable.DEFAULT_SIZE / n;
            for (int i = 0; i < n; i++)
            {
                assertTrue(counts[i] == floor || counts[i] == floor + 1, "backend " + i + " of " + n + ": " + counts[i]);
            }
        }
    }

    @Test
    void sameNamesGiveTheSameTable()
    {
        assertArrayEquals(MaglevTable.build(names(50, "x"), 4093), MaglevTable.build(names(50, "x"), 4093));
    }

    @Test
    void removingOneBackendMovesFewSlots()
    {
        final List<String> all = names(100, "pod");
        final char[] before = MaglevTable.build(all, MaglevTable.DEFAULT_SIZE);
        final List<String> fewer = new ArrayList<>(all);
        final String removed = fewer.remove(37);
        final char[] after = MaglevTable.build(fewer, MaglevTable.DEFAULT_SIZE);
        int moved = 0;
        for (int i = 0; i < before.length; i++)
        {
            final String was = all.get(before[i]);
            final String now = fewer.get(after[i]);
            if (!was.equals(now) && !was.equals(removed))
            {
                moved++;
            }
        }
        // The slots of the removed backend (1 %) must move; the paper reports little extra disruption.
        assertTrue(moved < before.length / 50, "slots of surviving backends that moved: " + moved);
    }

    @Test
    void schedulerReusesAnUnchangedTable()
    {
        final MaglevScheduler first = MaglevScheduler.create(dests(names(3, "a")), 7, null);
        assertTrue(MaglevScheduler.create(dests(names(3, "a")), 7, first).sharesTableWith(first));
        final MaglevScheduler changed = MaglevScheduler.create(dests(names(4, "a")), 7, first);
        assertEquals(7, changed.size());
        assertFalse(changed.sharesTableWith(first));
    }

    @Test
    void rejectsCompositeSizes()
    {
        assertThrows(IllegalArgumentException.class, () -> MaglevTable.build(names(3, "a"), 65536));
        assertThrows(IllegalArgumentException.class, () -> MaglevTable.build(List.of(), 7));
    }

    static List<Destination> dests(final List<String> names)
    {
        final List<Destination> out = new ArrayList<>();
        names.forEach(n -> out.add(Destination.of(n)));
        return out;
    }

    static List<String> names(final int n, final String prefix)
    {
        final List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            names.add(prefix + "-" + i + ":8080");
        }
        return names;
    }
}
