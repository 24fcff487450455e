package io.vipflow.harness.soak;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The growth detector on synthetic series: it must catch slow leaks and forgive noise and warm-up. */
class TrendCheckTest
{
    private static final long MIB = 1L << 20;
    private final TrendCheck heap = new TrendCheck("heap", 3, 4 * MIB, 0.10);

    @Test
    void flatSeriesWithNoisePasses()
    {
        final Random random = new Random(1);
        final List<Long> values = new ArrayList<>();
        for (int i = 0; i < 60; i++)
        {
            values.add(40 * MIB + (long)(random.nextGaussian() * MIB));
        }
        final TrendCheck.Result r = heap.check(values);
        assertFalse(r.grew(), r::toString);
        assertFalse(r.inconclusive());
    }

    @Test
    void slowSteadyLeakIsCaught()
    {
        // 200 KiB a sample: 12 MiB over 60 samples, hidden under 1 MiB of noise at every single step.
        final Random random = new Random(2);
        final List<Long> values = new ArrayList<>();
        for (int i = 0; i < 60; i++)
        {
            values.add(40 * MIB + i * 200 * 1024L + (long)(random.nextGaussian() * MIB));
        }
        final TrendCheck.Result r = heap.check(values);
        assertTrue(r.grew(), r::toString);
        assertTrue(r.growth() > 10 * MIB && r.growth() < 13 * MIB, r::toString);
    }

    @Test
    void growthDuringWarmupIsForgiven()
    {
        final List<Long> values = new ArrayList<>(List.of(5 * MIB, 20 * MIB, 38 * MIB));
        for (int i = 0; i < 20; i++)
        {
            values.add(40 * MIB);
        }
        assertFalse(heap.check(values).grew());
        assertTrue(new TrendCheck("heap", 0, 4 * MIB, 0.10).check(values).grew(), "without warm-up it is growth");
    }

    @Test
    void oneLateSpikeIsNotALeak()
    {
        final List<Long> values = new ArrayList<>();
        for (int i = 0; i < 30; i++)
        {
            values.add(i == 29 ? 50 * MIB : 40 * MIB);
        }
        assertFalse(heap.check(values).grew(), heap.check(values)::toString);
    }

    @Test
    void shrinkingIsNotGrowth()
    {
        assertFalse(heap.check(List.of(0L, 0L, 0L, 90 * MIB, 60 * MIB, 30 * MIB, 10 * MIB)).grew());
    }

    @Test
    void relativeToleranceScalesWithTheBaseline()
    {
        // 50 MiB of growth on a 1 GiB baseline is within 10 %; the same on 100 MiB is not.
        final TrendCheck check = new TrendCheck("direct", 0, MIB, 0.10);
        assertFalse(check.check(List.of(1024 * MIB, 1049 * MIB, 1074 * MIB)).grew());
        assertTrue(check.check(List.of(100 * MIB, 125 * MIB, 150 * MIB)).grew());
    }

    @Test
    void tooFewSamplesIsInconclusiveNotAPass()
    {
        final TrendCheck.Result r = heap.check(List.of(1L, 2L, 3L, 4L, 5L));
        assertTrue(r.inconclusive());
        assertFalse(r.grew());
        assertEquals(2, r.samples());
    }
}
