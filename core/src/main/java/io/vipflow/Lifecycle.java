package io.vipflow;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A {@link Classifier}'s open/closed state: open until {@link #close}, then closed for good, so that every call
 * made after close fails with an {@link IllegalStateException} instead of reaching freed off-heap memory.
 * <p>
 * Thread contract: any thread. Data-plane calls only read the state ({@link #checkOpen}: one volatile load, no
 * write, so threads never contend on it). A sweep step, which runs on a thread of its own (often a
 * {@link SweeperAgent} stopped after its classifier), is bracketed by {@link #enter} and {@link #exit}, and
 * {@link #close} waits for a step in progress to finish before the memory goes: a sweeper racing with close can
 * never touch freed memory. Data-plane threads do not pay for such a bracket; they must have stopped before
 * close is called (what a call already running when close frees the memory reads is undefined).
 */
final class Lifecycle
{
    private static final VarHandle STATE;
    /** State value once closed; a state of 0 or more is open, with that many sweep steps in progress. */
    private static final int CLOSED = -1;

    static
    {
        try
        {
            STATE = MethodHandles.lookup().findVarHandle(Lifecycle.class, "state", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private volatile int state;

    /** Throws when closed; for the data plane. */
    void checkOpen()
    {
        if (state < 0)
        {
            throw closed();
        }
    }

    boolean isClosed()
    {
        return state < 0;
    }

    /** Begins a sweep step; throws when closed. Pair with {@link #exit} in a finally block. */
    void enter()
    {
        while (true)
        {
            final int s = state;
            if (s < 0)
            {
                throw closed();
            }
            if (STATE.compareAndSet(this, s, s + 1))
            {
                return;
            }
        }
    }

    /** Ends a sweep step begun by {@link #enter}. */
    void exit()
    {
        STATE.getAndAdd(this, -1);
    }

    /**
     * Closes, after waiting for sweep steps in progress (each is bounded by its slot count).
     *
     * @return true for the call that closed, false when already closed
     */
    boolean close()
    {
        while (true)
        {
            final int s = state;
            if (s < 0)
            {
                return false;
            }
            if (s == 0 && STATE.compareAndSet(this, 0, CLOSED))
            {
                return true;
            }
            Thread.onSpinWait();
        }
    }

    private static IllegalStateException closed()
    {
        return new IllegalStateException("classifier closed: build a new Classifier (its tables are freed)");
    }
}
