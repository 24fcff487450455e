package io.vipflow.service;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AddressPortMapTest
{
    /** Puts and removes in many versions agree with a HashMap, and every older version keeps its contents. */
    @Test
    void versionsAgreeWithAPlainMapAndStayUnchanged()
    {
        final Random r = new Random(5);
        AddressPortMap<String> map = AddressPortMap.empty();
        final Map<Long, String> model = new HashMap<>();
        final List<AddressPortMap<String>> versions = new ArrayList<>();
        final List<Map<Long, String>> models = new ArrayList<>();
        for (int version = 0; version < 60; version++)
        {
            final AddressPortMap.Editor<String> e = map.edit();
            // Early versions grow fast (through several re-splits), later ones mostly churn.
            final int ops = version < 20 ? 1 + r.nextInt(4000) : 1 + r.nextInt(50);
            for (int op = 0; op < ops; op++)
            {
                final long key = r.nextInt(version < 20 ? 1 << 16 : 1 << 12);
                if (r.nextInt(3) == 0)
                {
                    e.remove(key >>> 8, key, (int)(key & 0xFFFF), 6);
                    model.remove(key);
                }
                else
                {
                    final String v = "v" + version + "-" + op;
                    e.put(key >>> 8, key, (int)(key & 0xFFFF), 6, v);
                    model.put(key, v);
                }
            }
            map = e.done();
            versions.add(map);
            models.add(new HashMap<>(model));
        }
        for (int v = 0; v < versions.size(); v++)
        {
            final AddressPortMap<String> m = versions.get(v);
            final Map<Long, String> expected = models.get(v);
            assertEquals(expected.size(), m.size(), "version " + v);
            assertEquals(expected.size(), m.values().size(), "version " + v);
            for (long key = 0; key < 1 << 16; key++)
            {
                assertEquals(expected.get(key), m.get(key >>> 8, key, (int)(key & 0xFFFF), 6), "version " + v);
            }
            assertEquals(null, m.get(0, 1, 1, 17), "another protocol is another key");
        }
    }

    /** A small map stays one segment (looked up without the directory) and splits once it outgrows that. */
    @Test
    void aSmallMapIsFlatUntilItOutgrowsTheLimit()
    {
        AddressPortMap<Integer> map = AddressPortMap.empty();
        for (int i = 0; i < AddressPortMap.FLAT_MAX + 1; i++)
        {
            final AddressPortMap.Editor<Integer> e = map.edit();
            e.put(0, i, 80, 6, i);
            map = e.done();
            assertEquals(i < AddressPortMap.FLAT_MAX, map.segmentCount() == 1, "after " + (i + 1) + " entries");
            for (int j = 0; j <= i; j += 1 + i / 8)
            {
                assertEquals(j, map.get(0, j, 80, 6));
            }
        }
    }

    /**
     * A large map has about 4·√n segments, not n/16: the directory an edit copies grows with the square root of
     * the map, not with the map.
     */
    @Test
    void theDirectoryGrowsWithTheSquareRootOfTheMap()
    {
        final AddressPortMap.Editor<Integer> e = AddressPortMap.<Integer>empty().edit();
        for (int i = 0; i < 1 << 20; i++)
        {
            e.put(0, i, 80, 6, i);
        }
        final AddressPortMap<Integer> map = e.done();
        assertEquals(1 << 20, map.size());
        assertTrue(map.segmentCount() >= 2048 && map.segmentCount() <= 8192, map.segmentCount() + " segments");
        for (int i = 0; i < 1 << 20; i += 997)
        {
            assertEquals(i, map.get(0, i, 80, 6));
        }
        assertEquals(8, AddressPortMap.segmentsFor(130));
        assertEquals(4096, AddressPortMap.segmentsFor(1 << 20));
    }

    @Test
    void anEditThatWritesNothingGivesTheSameVersion()
    {
        final AddressPortMap.Editor<String> e = AddressPortMap.<String>empty().edit();
        e.put(1, 2, 3, 6, "x");
        final AddressPortMap<String> m = e.done();
        final AddressPortMap.Editor<String> none = m.edit();
        none.remove(9, 9, 9, 6);
        assertSame(m, none.done());
    }
}
