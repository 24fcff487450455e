package io.vipflow.sched;

import io.vipflow.packet.PacketTuple;

/**
 * Picks a destination for a new flow from a fixed, ordered list of destinations.
 * <p>
 * Built on the control plane for one destination list ({@link SchedulerFactory#create}); {@link #pick} is called
 * by any number of data-plane threads at once and must neither block nor allocate.
 */
public interface Scheduler
{
    /**
     * @param packet   the packet opening the flow (schedulers that hash addresses read it)
     * @param flowHash the flow's hash ({@link io.vipflow.conntrack.FlowKey#hash}, the same in every process), for
     *                 schedulers that hash the flow
     * @return an index into the destination list the scheduler was built for, or -1 when no destination may
     *         take the flow (every weight 0, or every destination overloaded)
     */
    int pick(PacketTuple packet, long flowHash);

    /** {@return the scheduler's name as configured ("rr", "maglev", ...)} */
    String name();
}
