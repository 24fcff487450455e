package io.vipflow.sched;

/**
 * Picks a backend for a new flow from a fixed, ordered set of backends.
 * <p>
 * Built on the control plane for one backend set ({@link SchedulerFactory#create}); {@link #pick} is called
 * by any number of data-plane threads at once and must neither block nor allocate.
 */
public interface Scheduler
{
    /**
     * @param flowHash the flow's {@link io.vipflow.conntrack.FlowHash}, for schedulers that hash
     * @return an index into the backend array the scheduler was built for
     */
    int pick(long flowHash);

    /** The scheduler's name as configured ("rr", "random", "maglev"). */
    String name();
}
