package io.vipflow.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Which stripe of a striped counter a thread adds to: the per-backend connection counts
 * ({@code io.vipflow.sched.ConnCounters}) and the classifier's entry counters change on every new flow and every
 * removal, from every data-plane thread, and are kept as one cell per stripe.
 * <p>
 * Stripes {@code 0..OWNED-1} each belong to at most one live thread, which adds to its own cell with a plain read
 * and an opaque store: no locked instruction, and no other thread ever writes that cell, so the count stays exact.
 * Stripe {@link #SHARED} takes the adds of every thread that owns none, with an atomic add. A thread claims a stripe
 * on its first add: the one its thread id selects when free, else any free one, else one whose owner has
 * terminated. Taking over a dead owner's stripe is safe because a thread that sees another has terminated
 * ({@link Thread#isAlive} false) sees every action of it (JLS 17.4.4), its last store to the cell included, and
 * the dead thread writes no more; the new owner goes on from the cell's value. A thread that finds every stripe
 * owned by a live thread uses {@link #SHARED} until it looks again. A thread keeps its stripe for life; the table of
 * owners keeps up to {@link #OWNED} terminated {@link Thread} objects reachable until their stripes are taken over.
 * <p>
 * Finding the stripe costs a few loads ({@link #stripe}); the data plane does it once per thread and keeps the
 * answer in a {@link Ticket}, which it checks against the current thread on each use (one load and a compare).
 * <p>
 * Any thread may call every method.
 */
public final class CounterStripes
{
    /** Stripes that a thread can own: twice the processors available at start, a power of two from 4 to 16. */
    public static final int OWNED = owned(Runtime.getRuntime().availableProcessors());
    /** The stripe of threads that own none; adds to it are atomic. */
    public static final int SHARED = OWNED;
    /** All stripes, owned and shared: the cells a striped counter needs. */
    public static final int COUNT = OWNED + 1;

    private static final Thread[] OWNERS = new Thread[OWNED];
    private static final VarHandle OWNER = MethodHandles.arrayElementVarHandle(Thread[].class);

    private CounterStripes()
    {
    }

    static int owned(final int processors)
    {
        final int wanted = Math.max(4, Math.min(16, 2 * processors));
        return Integer.highestOneBit(wanted - 1) << 1;
    }

    /**
     * {@return the calling thread's stripe: one it owns ({@code 0..OWNED-1}), claimed now if it had none, or
     * {@link #SHARED} when every stripe is owned by a live thread}
     */
    public static int stripe()
    {
        final Thread me = Thread.currentThread();
        final int home = (int)me.getId() & (OWNED - 1);
        if (OWNER.getOpaque(OWNERS, home) == me)
        {
            return home;
        }
        return findOrClaim(me, home);
    }

    private static int findOrClaim(final Thread me, final int home)
    {
        for (int i = 0; i < OWNED; i++)
        {
            final int s = (home + i) & (OWNED - 1);
            if (OWNER.getAcquire(OWNERS, s) == me)
            {
                return s;
            }
        }
        for (int i = 0; i < OWNED; i++)
        {
            final int s = (home + i) & (OWNED - 1);
            if (OWNER.getAcquire(OWNERS, s) == null && OWNER.compareAndSet(OWNERS, s, null, me))
            {
                return s;
            }
        }
        for (int i = 0; i < OWNED; i++)
        {
            final int s = (home + i) & (OWNED - 1);
            final Thread owner = (Thread)OWNER.getAcquire(OWNERS, s);
            // isAlive() false orders every action of the dead owner before this point (JLS 17.4.4).
            if (owner != null && !owner.isAlive() && OWNER.compareAndSet(OWNERS, s, owner, me))
            {
                return s;
            }
        }
        return SHARED;
    }

    /** {@return a ticket for the calling thread's {@link #stripe}} Allocates; once per thread per holder. */
    public static Ticket ticket()
    {
        return new Ticket(Thread.currentThread(), stripe());
    }

    /**
     * A thread's stripe, looked up once. {@link #stripeFor} gives it only to that thread, and looks the stripe up
     * afresh for any other, so a ticket that reaches another thread never makes two threads write one owned cell.
     * Immutable.
     */
    public static final class Ticket
    {
        /** A ticket no thread holds: {@link #stripeFor} always looks the stripe up. */
        public static final Ticket NONE = new Ticket(null, SHARED);

        private final Thread owner;
        private final int stripe;

        private Ticket(final Thread owner, final int stripe)
        {
            this.owner = owner;
            this.stripe = stripe;
        }

        /** {@return this ticket when it is the calling thread's, else a new ticket for the calling thread} */
        public Ticket forCaller()
        {
            return owner == Thread.currentThread() ? this : ticket();
        }

        /** {@return the calling thread's stripe: the ticket's own when it is the caller's, else {@link #stripe()}} */
        public int stripeFor()
        {
            return owner == Thread.currentThread() ? stripe : stripe();
        }
    }
}
