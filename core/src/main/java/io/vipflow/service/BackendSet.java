package io.vipflow.service;

import io.vipflow.sched.Scheduler;

/**
 * The backends that may take new flows for one Service port under one traffic policy, with the scheduler
 * built for them. Immutable apart from the scheduler's own state; any thread may call {@link #pick}.
 */
public final class BackendSet
{
    static final BackendSet EMPTY = new BackendSet(new Backend[0], null);

    private final Backend[] backends;
    private final Scheduler scheduler;

    BackendSet(final Backend[] backends, final Scheduler scheduler)
    {
        this.backends = backends;
        this.scheduler = scheduler;
    }

    public boolean isEmpty()
    {
        return backends.length == 0;
    }

    public int size()
    {
        return backends.length;
    }

    public Backend get(final int i)
    {
        return backends[i];
    }

    /** The scheduler's choice for a new flow; the set must not be empty. */
    public Backend pick(final long flowHash)
    {
        return backends[scheduler.pick(flowHash)];
    }

    /** The scheduler, or null for an empty set. */
    public Scheduler scheduler()
    {
        return scheduler;
    }
}
