package io.vipflow.harness.soak;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The soak's verdict fails on each kind of finding, so a passing soak means something. */
class SoakVerdictTest
{
    private static final TrendCheck.Result FLAT = new TrendCheck.Result("heap", 0, 100, 10);
    private static final TrendCheck.Result GROWS = new TrendCheck.Result("direct", 500, 100, 10);

    @Test
    void cleanRunPasses()
    {
        assertTrue(SoakVerdict.judge(List.of(FLAT, FLAT), 0, 0).passed());
    }

    @Test
    void growthFails()
    {
        final SoakVerdict v = SoakVerdict.judge(List.of(FLAT, GROWS), 0, 0);
        assertFalse(v.passed());
        assertEquals(1, v.reasons().size());
        assertTrue(v.reasons().get(0).startsWith("memory grows: direct"), v.reasons()::toString);
    }

    @Test
    void oracleAndCounterViolationsFail()
    {
        assertEquals(2, SoakVerdict.judge(List.of(FLAT), 1, 3).reasons().size());
    }

    @Test
    void aRunTooShortToJudgeFails()
    {
        assertFalse(SoakVerdict.judge(List.of(new TrendCheck.Result("heap", 0, 0, 2)), 0, 0).passed());
    }
}
