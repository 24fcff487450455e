package io.vipflow.internal;

import org.jetbrains.lincheck.datastructures.LongGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * {@link AdmissionLimiter} is linearizable: whatever the interleaving of concurrent {@code tryAcquire} calls,
 * the admitted/refused answers are those of the same limiter called one call at a time in some order that
 * respects real time. The state is one {@code AtomicLong}, on the heap, so every access is a shared-memory event
 * the model checker can switch threads at: it explores the interleavings of the read and the CAS exhaustively
 * for small scenarios instead of hoping a stress run hits them.
 * <p>
 * Would fail if the limiter decided on a value other than the one its CAS replaced (for example if it stored
 * {@code start + interval} with a plain set after a separate read), since two callers could then both take the
 * last unit of burst. {@code checkObstructionFreedom} additionally fails if a thread running alone could spin.
 * <p>
 * The rate is set so that one flow costs 2 ns and the burst is 2, and the times come from 0..6 ns, so that
 * admission and refusal both happen within a handful of calls.
 */
@Param(name = "now", gen = LongGen.class, conf = "0:6")
public class AdmissionLimiterLincheckTest
{
    private final AdmissionLimiter limiter = new AdmissionLimiter(500_000_000L, 2);

    @Operation
    public boolean tryAcquire(@Param(name = "now") final long nowNanos)
    {
        return limiter.tryAcquire(nowNanos);
    }

    @Test
    void linearizableUnderModelChecking()
    {
        new ModelCheckingOptions()
            .iterations(20)
            .invocationsPerIteration(200)
            .threads(3)
            .actorsPerThread(3)
            .actorsBefore(1)
            .actorsAfter(1)
            .checkObstructionFreedom(true)
            .sequentialSpecification(SequentialLimiter.class)
            .check(AdmissionLimiterLincheckTest.class);
    }

    /** The generic cell rate algorithm written for one thread: the specification. */
    public static final class SequentialLimiter
    {
        private static final long INTERVAL = 2;
        private static final long TOLERANCE = 2;
        private long theoreticalArrival = Long.MIN_VALUE;

        public boolean tryAcquire(final long nowNanos)
        {
            final long start = theoreticalArrival == Long.MIN_VALUE || theoreticalArrival < nowNanos ?
                nowNanos : theoreticalArrival;
            if (start - nowNanos > TOLERANCE)
            {
                return false;
            }
            theoreticalArrival = start + INTERVAL;
            return true;
        }

        @Override
        public boolean equals(final Object o)
        {
            return o instanceof SequentialLimiter && ((SequentialLimiter)o).theoreticalArrival == theoreticalArrival;
        }

        @Override
        public int hashCode()
        {
            return Long.hashCode(theoreticalArrival);
        }
    }
}
