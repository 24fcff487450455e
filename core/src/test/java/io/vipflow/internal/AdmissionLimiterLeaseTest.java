package io.vipflow.internal;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Admissions taken through per-thread leases keep the shared limit: the same rate, a burst bounded per thread. */
class AdmissionLimiterLeaseTest
{
    private static final long INTERVAL = 1_000; // 1,000,000 flows per second

    @Test
    void withABurstOfOneALeaseAnswersExactlyAsTheSharedLimit()
    {
        final AdmissionLimiter shared = new AdmissionLimiter(1_000_000, 1);
        final AdmissionLimiter leased = new AdmissionLimiter(1_000_000, 1);
        final AdmissionLimiter.Lease lease = new AdmissionLimiter.Lease();
        long now = 0;
        int admitted = 0;
        for (int i = 0; i < 10_000; i++)
        {
            now += (i * 7919L) % 1_700;
            final boolean expected = shared.tryAcquire(now);
            assertEquals(expected, leased.tryAcquire(now, lease), "call " + i + " at " + now);
            admitted += expected ? 1 : 0;
        }
        assertTrue(admitted > 1_000 && admitted < 10_000, "both admit and refuse: " + admitted);
    }

    @Test
    void oneThreadWithALeaseGetsTheSharedLimitsRateAndBurst()
    {
        final AdmissionLimiter limiter = new AdmissionLimiter(1_000_000, 32);
        final AdmissionLimiter.Lease lease = new AdmissionLimiter.Lease();
        int atOnce = 0;
        while (limiter.tryAcquire(0, lease))
        {
            atOnce++;
        }
        assertEquals(32, atOnce, "the burst after a quiet period");
        int admitted = 0;
        for (long now = 1; now <= 1_000_000; now += 10)
        {
            admitted += limiter.tryAcquire(now, lease) ? 1 : 0;
        }
        assertTrue(Math.abs(admitted - 1_000) <= 1, "one flow per microsecond over a millisecond: " + admitted);
    }

    /**
     * Four threads share one clock and one limiter, each with its own lease, and ask far more often than the limit
     * allows. The total admitted over the run stays within the rate times the run, plus the burst, plus what the
     * leases may hold ahead ({@link AdmissionLimiter#LEASE_FLOWS} - 1 each), and the lapsed leases cost little.
     */
    @Test
    void threadsWithLeasesTogetherKeepTheRate() throws Exception
    {
        final int threads = 4;
        final int calls = 200_000;
        final long burst = 32;
        final AdmissionLimiter limiter = new AdmissionLimiter(1_000_000_000L / INTERVAL, burst);
        final AtomicLong clock = new AtomicLong();
        final AtomicLong admitted = new AtomicLong();
        final CyclicBarrier start = new CyclicBarrier(threads);
        final Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            workers[t] = new Thread(() ->
            {
                final AdmissionLimiter.Lease lease = new AdmissionLimiter.Lease();
                long mine = 0;
                try
                {
                    start.await();
                }
                catch (final Exception ex)
                {
                    throw new IllegalStateException(ex);
                }
                for (int i = 0; i < calls; i++)
                {
                    if (limiter.tryAcquire(clock.addAndGet(10), lease))
                    {
                        mine++;
                    }
                }
                admitted.addAndGet(mine);
            });
            workers[t].start();
        }
        for (final Thread w : workers)
        {
            w.join();
        }
        final long span = clock.get();
        final long rate = span / INTERVAL;
        final long most = rate + burst + threads * (AdmissionLimiter.LEASE_FLOWS - 1);
        assertTrue(admitted.get() <= most, "admitted " + admitted.get() + ", at most " + most);
        assertTrue(admitted.get() >= rate * 9 / 10, "admitted " + admitted.get() + ", the rate allows " + rate);
    }
}
