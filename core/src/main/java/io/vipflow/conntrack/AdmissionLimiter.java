package io.vipflow.conntrack;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A limit on new flows per second, so that a SYN flood cannot churn the connection table faster than the
 * sweeper and the eviction order can protect established flows (Katran limits new LRU entries to 125,000/s
 * per core for the same reason).
 * <p>
 * The generic cell rate algorithm: one atomic "theoretical arrival time" advanced by {@code 1/rate} per
 * admitted flow; a flow is admitted while that time is no more than {@code burst/rate} ahead of now. One CAS per
 * new flow, no lock; any thread. Times are the caller's nanoseconds.
 */
public final class AdmissionLimiter
{
    private final long intervalNanos;
    private final long toleranceNanos;
    private final AtomicLong theoreticalArrival = new AtomicLong(Long.MIN_VALUE);

    /**
     * @param flowsPerSecond sustained rate; 0 admits everything
     * @param burst          flows admitted at once after a quiet period
     */
    public AdmissionLimiter(final long flowsPerSecond, final long burst)
    {
        if (flowsPerSecond < 0 || burst < 1)
        {
            throw new IllegalArgumentException("rate must be >= 0 and burst >= 1: " + flowsPerSecond + ", " + burst);
        }
        this.intervalNanos = flowsPerSecond == 0 ? 0 : Math.max(1, 1_000_000_000L / flowsPerSecond);
        this.toleranceNanos = intervalNanos * (burst - 1);
    }

    /** True when one more new flow may be created at {@code nowNanos}. */
    public boolean tryAcquire(final long nowNanos)
    {
        if (intervalNanos == 0)
        {
            return true;
        }
        while (true)
        {
            final long tat = theoreticalArrival.get();
            final long start = tat == Long.MIN_VALUE || tat - nowNanos < 0 ? nowNanos : tat;
            if (start - nowNanos > toleranceNanos)
            {
                return false;
            }
            if (theoreticalArrival.compareAndSet(tat, start + intervalNanos))
            {
                return true;
            }
        }
    }
}
