package io.vipflow.sync;

import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Polls a condition until a deadline: the sync tests wait for another thread, never for a fixed time. */
final class Await
{
    /** The longest any wait may take, however steady its progress: a test never hangs. */
    private static final long CAP_MILLIS = 120_000;

    private Await()
    {
    }

    static void until(final long timeoutMillis, final BooleanSupplier condition, final Supplier<String> what)
    {
        final long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                fail("not within " + timeoutMillis + " ms: " + what.get());
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    /**
     * Polls until the condition holds, failing only when {@code progress} has not moved for {@code stallMillis} (or
     * after two minutes in all): on a machine whose cores are busy with other work the other side gets there later,
     * and a fixed deadline would fail it for being slow rather than for being stuck.
     */
    static void whileProgressing(final long stallMillis, final BooleanSupplier condition, final LongSupplier progress,
        final Supplier<String> what)
    {
        final long start = System.nanoTime();
        long last = progress.getAsLong();
        long lastMoved = start;
        while (!condition.getAsBoolean())
        {
            final long now = System.nanoTime();
            final long p = progress.getAsLong();
            if (p != last)
            {
                last = p;
                lastMoved = now;
            }
            else if (now - lastMoved > stallMillis * 1_000_000L)
            {
                fail("no progress for " + stallMillis + " ms: " + what.get());
            }
            if (now - start > CAP_MILLIS * 1_000_000L)
            {
                fail("not within " + CAP_MILLIS + " ms: " + what.get());
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
