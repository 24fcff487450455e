package io.vipflow.conntrack;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/** {@link MillisMemo} answers exactly as {@code Math.floorDiv(nanos, 1_000_000)}, whatever came before. */
class MillisMemoTest
{
    private static final long MS = ConnSlots.NANOS_PER_MILLI;

    private static void check(final MillisMemo memo, final long nanos)
    {
        assertEquals(Math.floorDiv(nanos, MS), memo.floorMillis(nanos), "nanos " + nanos);
    }

    @Test
    void millisecondEdgesEitherSideOfZeroAndOfTheLongRange()
    {
        final MillisMemo memo = new MillisMemo();
        final long[] edges = {0, -1, 1, MS - 1, MS, MS + 1, -MS, -MS - 1, -MS + 1, 2 * MS - 1, 2 * MS,
            Long.MAX_VALUE, Long.MAX_VALUE - 1, Long.MAX_VALUE - MS, Long.MIN_VALUE, Long.MIN_VALUE + 1,
            Long.MIN_VALUE + MS, Long.MIN_VALUE + 224_191, Long.MIN_VALUE + 224_192, Long.MIN_VALUE + 224_193};
        // Every edge after every other, so that each is answered from every remembered millisecond and afresh.
        for (final long before : edges)
        {
            for (final long after : edges)
            {
                check(memo, before);
                check(memo, after);
                check(memo, after);
            }
        }
    }

    @Test
    void aClockThatStepsForwardAndBack()
    {
        qt().withExamples(200).forAll(longs().all(), integers().between(1, 3_000_000))
            .checkAssert((start, step) ->
            {
                final MillisMemo memo = new MillisMemo();
                final Random random = new Random(start ^ step);
                long nanos = start;
                for (int i = 0; i < 2_000; i++)
                {
                    check(memo, nanos);
                    // Mostly forward within a millisecond or across one, sometimes back (another thread's clock).
                    nanos += random.nextInt(8) == 0 ? -random.nextInt(step) : random.nextInt(step);
                }
            });
    }

    @Test
    void roundedUpAsTheTableRoundsDeadlines()
    {
        qt().withExamples(200).forAll(longs().between(-1L << 60, 1L << 60), integers().between(1, 3_000_000))
            .checkAssert((start, step) ->
            {
                final MillisMemo memo = new MillisMemo();
                long nanos = start;
                for (int i = 0; i < 2_000; i++)
                {
                    assertEquals(ConnSlots.ceilMillis(nanos), memo.ceilMillis(nanos), "nanos " + nanos);
                    nanos += (i % 3 == 0 ? -1 : 2) * (long)(i % step);
                }
            });
    }
}
