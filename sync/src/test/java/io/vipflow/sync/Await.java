package io.vipflow.sync;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Polls a condition until a deadline: the sync tests wait for another thread, never for a fixed time. */
final class Await
{
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
}
