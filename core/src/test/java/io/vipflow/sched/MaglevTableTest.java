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
        // Equal weights through the weighted path give the same table.
        assertArrayEquals(before, MaglevTable.populate(new int[] {3, 0, 3}, new int[] {4, 2, 1}, new int[] {5, 5, 5}, 7));
    }

    /**
     * Katran V2 weights on Table 1's permutations (B0 3 0 4 1 5 2 6, B1 0 2 4 6 1 3 5, B2 3 4 5 6 0 1 2), B1
     * weight 2, the others 1, max 2. Round 1: B1 takes 0. Round 2: B0 takes 3, B1 takes 2, B2 takes 4 (3 is
     * taken). Round 3: B1 takes 6. Round 4: B0 takes 1 (0 and 4 taken), B1 takes 5 (1 and 3 taken).
     */
    @Test
    void weightedTableOne()
    {
        final char[] t = MaglevTable.populate(new int[] {3, 0, 3}, new int[] {4, 2, 1}, new int[] {1, 2, 1}, 7);
        assertArrayEquals(new char[] {1, 0, 1, 0, 2, 1, 1}, t);
    }

    /** docs/SEMANTICS.md §6: weights 1:2 at M = 65537 give 21846 and 43691 slots. */
    @Test
    void weightsOneToTwo()
    {
        final char[] t = MaglevTable.build(List.of("a:80", "b:80"), new int[] {1, 2}, MaglevTable.DEFAULT_SIZE);
        final int[] counts = new int[2];
        for (final char c : t)
        {
            counts[c]++;
        }
        assertArrayEquals(new int[] {21846, 43691}, counts);
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
            if (!was.equals(fewer.get(after[i])) && !was.equals(removed))
            {
                moved++;
            }
        }
        // The slots of the removed backend (1 %) must move; the paper reports little extra disruption.
        assertTrue(moved < before.length / 50, "slots of surviving backends that moved: " + moved);
    }

    @Test
    void schedulerReusesAnUnchangedTableAndItsPermutations()
    {
        final MaglevScheduler first = MaglevScheduler.create(MaglevTableTest.dests(names(3, "a")), 7, null);
        assertTrue(MaglevScheduler.create(dests(names(3, "a")), 7, first).sharesTableWith(first));
        final MaglevScheduler changed = MaglevScheduler.create(dests(names(4, "a")), 7, first);
        assertEquals(7, changed.size());
        assertFalse(changed.sharesTableWith(first));
        final MaglevScheduler fresh = MaglevScheduler.create(dests(names(4, "a")), 7, null);
        assertArrayEquals(fresh.destinationTable(), changed.destinationTable());
    }

    /**
     * A rollout step (one backend replaced) computes the permutation of the new backend only; the table is the
     * one a build from scratch gives, whatever order the destinations come in.
     */
    @Test
    void aReplacedBackendIsTheOnlyPermutationComputed()
    {
        final List<String> names = names(1000, "b");
        final MaglevScheduler first = MaglevScheduler.create(dests(names), 0, null);
        assertEquals(1000, first.permutationsComputed());
        final List<String> rolled = new ArrayList<>(names);
        rolled.set(500, "c-0:8080");
        final MaglevScheduler step = MaglevScheduler.create(dests(rolled), 0, first);
        assertEquals(1, step.permutationsComputed(), "only the new backend's offset and skip");
        assertEquals(first.size(), step.size());
        final List<String> shuffled = new ArrayList<>(rolled);
        java.util.Collections.shuffle(shuffled, new java.util.Random(5));
        final MaglevScheduler fresh = MaglevScheduler.create(dests(shuffled), 0, null);
        assertEquals(1000, fresh.permutationsComputed());
        final String[] byName = new String[step.size()];
        final String[] freshByName = new String[fresh.size()];
        final int[] stepTable = step.destinationTable();
        final int[] freshTable = fresh.destinationTable();
        for (int s = 0; s < byName.length; s++)
        {
            byName[s] = rolled.get(stepTable[s]);
            freshByName[s] = shuffled.get(freshTable[s]);
        }
        assertArrayEquals(freshByName, byName, "the same backend in every slot");
        assertEquals(0, MaglevScheduler.create(dests(rolled), 0, step).permutationsComputed(), "nothing changed");
    }

    @Test
    void rejectsCompositeAndOversizedSizes()
    {
        assertThrows(IllegalArgumentException.class, () -> MaglevTable.build(names(3, "a"), 65536));
        assertThrows(IllegalArgumentException.class, () -> MaglevTable.build(names(3, "a"), 655379));
        assertThrows(IllegalArgumentException.class, () -> MaglevTable.build(List.of(), 7));
        MaglevTable.requirePrime(655373);
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
