package io.vipflow;

import io.vipflow.conntrack.FlowKey;
import io.vipflow.service.Backend;

/**
 * Hears of the connection entries a {@link Classifier}'s packets create, move to another TCP state or delete, so
 * that another component (connection sync, a flow log) can pass them on. Set with
 * {@link Classifier#flowEvents(FlowEvents)}; without one the classifier pays one field load and one predictable
 * branch per creation or state change. The classifier hands each change to {@link #forThread()}'s result for the
 * packet's {@link Decision}.
 * <p>
 * Thread contract: called on the data-plane thread that won the change, from any number of such threads at once,
 * once per change. An implementation must not block, allocate or throw: it copies what it needs out of the
 * arguments (the key is the caller's scratch object and changes after the call) and returns.
 */
@FunctionalInterface
public interface FlowEvents
{
    /** A packet created the entry. */
    int CREATED = 1;
    /** A packet moved the entry to another state ({@link io.vipflow.conntrack.ConnState}). */
    int CHANGED = 2;
    /** A packet deleted the entry (a SYN on a closed entry or one whose backend may take no new flows). */
    int REMOVED = 3;

    /**
     * @param type     {@link #CREATED}, {@link #CHANGED} or {@link #REMOVED}
     * @param key      the entry's key
     * @param backend  the entry's backend
     * @param state    the entry's state after the change (its last state for {@link #REMOVED})
     * @param ttlNanos time until the entry expires unless refreshed (0 for {@link #REMOVED})
     */
    void flowEvent(int type, FlowKey key, Backend backend, int state, long ttlNanos);

    /**
     * The receiver of the calling thread's changes. A {@link Decision} asks once ({@link Decision#flowEvents}) and the
     * classifier then hands that decision's changes to what it got, so an implementation can give each data-plane
     * thread state of its own (a buffer only that thread writes) without a thread-local lookup per change. A decision
     * is used by one thread; an implementation that relies on that should still check it cheaply and take the slow
     * way for a change from another thread. By default this object itself.
     *
     * @return the receiver of the calling thread's changes
     */
    default FlowEvents forThread()
    {
        return this;
    }
}
