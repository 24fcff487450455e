package io.vipflow.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A limit on new flows per second, so that a SYN flood cannot churn the connection table faster than the
 * sweeper and the eviction order can protect established flows (Katran limits new LRU entries to 125,000/s
 * per core for the same reason).
 * <p>
 * The generic cell rate algorithm: one atomic "theoretical arrival time" advanced by {@code 1/rate} per
 * admitted flow; a flow is admitted while that time is no more than {@code burst/rate} ahead of now. No lock; any
 * thread. Times are the caller's nanoseconds.
 * <p>
 * {@link #tryAcquire(long)} is one CAS per new flow. {@link #tryAcquire(long, Lease)} lets a data-plane thread
 * write the shared word once per up to {@link #LEASE_FLOWS} new flows: it takes, in one CAS, as many admissions as
 * the algorithm grants at that instant (flows arriving together at {@code now} would get exactly those), keeps the
 * ones it has not used yet in its own {@link Lease}, and spends them on its next new flows until the time they were
 * charged for has passed; then they lapse unused. The sustained rate is the same; a burst can exceed {@code burst}
 * by at most {@code LEASE_FLOWS - 1} flows per thread holding a lease, and with {@code burst = 1} there is
 * nothing to lease ahead, so the limit is exactly the shared one.
 */
public final class AdmissionLimiter
{
    /** The most admissions one thread takes from the shared word at a time. */
    public static final int LEASE_FLOWS = 16;

    private final long intervalNanos;
    private final long toleranceNanos;
    private final AtomicLong theoreticalArrival = new AtomicLong(Long.MIN_VALUE);

    /** Admissions a thread has taken and not yet used. Owned by one thread; reused. */
    public static final class Lease
    {
        int flows;
        long until;
    }

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

    /** {@return true when one more new flow may be created at {@code nowNanos}} */
    public boolean tryAcquire(final long nowNanos)
    {
        return intervalNanos == 0 || take(nowNanos, 1, null);
    }

    /**
     * True when one more new flow may be created at {@code nowNanos}, from the thread's lease when it holds an
     * admission still in time, else from the shared limit (refilling the lease).
     */
    public boolean tryAcquire(final long nowNanos, final Lease lease)
    {
        if (intervalNanos == 0)
        {
            return true;
        }
        if (lease.flows > 0 && nowNanos - lease.until < 0)
        {
            lease.flows--;
            return true;
        }
        return take(nowNanos, LEASE_FLOWS, lease);
    }

    /** Takes up to {@code most} admissions at {@code nowNanos}: one is used now, the rest go into the lease. */
    private boolean take(final long nowNanos, final int most, final Lease lease)
    {
        while (true)
        {
            final long tat = theoreticalArrival.get();
            final long start = tat == Long.MIN_VALUE || tat - nowNanos < 0 ? nowNanos : tat;
            final long ahead = start - nowNanos;
            if (ahead > toleranceNanos)
            {
                return false;
            }
            final long flows = Math.min(most, (toleranceNanos - ahead) / intervalNanos + 1);
            if (theoreticalArrival.compareAndSet(tat, start + flows * intervalNanos))
            {
                if (lease != null)
                {
                    lease.flows = (int)flows - 1;
                    lease.until = start + flows * intervalNanos;
                }
                return true;
            }
        }
    }
}
