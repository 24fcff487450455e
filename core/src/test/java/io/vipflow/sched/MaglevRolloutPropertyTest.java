package io.vipflow.sched;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * A scheduler carried through a rollout (each step builds from the previous one, which hands over the permutations of
 * the backends that stayed) holds at every step the table a build from scratch gives for the same backends
 * (QuickTheories).
 */
class MaglevRolloutPropertyTest
{
    @Test
    void everyStepEqualsAFreshBuild()
    {
        qt().withExamples(30).forAll(integers().between(1, 300), integers().between(1, 25), longs().all())
            .checkAssert((n, steps, seed) ->
            {
                final Random random = new Random(seed);
                final List<String> names = MaglevTableTest.names(n, "b");
                MaglevScheduler carried = MaglevScheduler.create(MaglevTableTest.dests(names), 0, null);
                for (int step = 0; step < steps; step++)
                {
                    // Mostly a replacement, as a rollout makes; now and then a backend comes or goes.
                    final int change = random.nextInt(10);
                    if (change == 0 && names.size() > 1)
                    {
                        names.remove(random.nextInt(names.size()));
                    }
                    else if (change == 1)
                    {
                        names.add(random.nextInt(names.size() + 1), "n-" + step + "-" + random.nextInt(1 << 20));
                    }
                    else
                    {
                        names.set(random.nextInt(names.size()), "r-" + step + "-" + random.nextInt(1 << 20));
                    }
                    final List<String> given = new ArrayList<>(names);
                    Collections.shuffle(given, random);
                    carried = MaglevScheduler.create(MaglevTableTest.dests(given), 0, carried);
                    final int size = carried.size();
                    assertEquals(MaglevTable.sizeFor(given.size(), size), size);
                    final char[] fresh = MaglevTable.build(given, size);
                    final int[] table = carried.destinationTable();
                    final String[] expected = new String[size];
                    final String[] actual = new String[size];
                    for (int s = 0; s < size; s++)
                    {
                        expected[s] = given.get(fresh[s]);
                        actual[s] = given.get(table[s]);
                    }
                    assertArrayEquals(expected, actual, "step " + step + ", " + given.size() + " backends, M " + size);
                }
            });
    }
}
