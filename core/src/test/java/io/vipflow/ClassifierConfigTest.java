package io.vipflow;

import io.vipflow.conntrack.ConnTable;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The memory figures the README and the config's javadoc give. */
class ClassifierConfigTest
{
    @Test
    void bytesForIsWhatATableReserves()
    {
        for (final int capacity : new int[] {1, 100, 4096, 65_536, 1_000_000})
        {
            try (ConnTable t = new ConnTable(capacity))
            {
                assertEquals(t.bytes() + 64, ConnTable.bytesFor(capacity), "capacity " + capacity);
                assertTrue(Math.abs(ConnTable.bytesFor(capacity) - 96.0 * capacity) < 600 + capacity * 0.01,
                    "about 96 bytes per flow at capacity " + capacity);
            }
        }
    }

    @Test
    void theDefaultsFitASmallService()
    {
        final ClassifierConfig d = ClassifierConfig.defaults();
        assertEquals(65_536, d.connectionCapacity());
        assertEquals(4_096, d.affinityCapacity());
        assertEquals(6_291_712 + 393_472, d.offHeapBytes(), "6.0 MiB + 384 KiB, as documented");
    }
}
