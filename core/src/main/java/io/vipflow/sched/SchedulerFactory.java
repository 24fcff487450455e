package io.vipflow.sched;

import java.util.List;

/**
 * Builds a {@link Scheduler} for one ordered list of destinations. Control plane only.
 */
@FunctionalInterface
public interface SchedulerFactory
{
    /**
     * @param destinations every listed backend, ordered by name; quiesced ones have weight 0; may be empty
     * @param previous     the scheduler this one replaces for the same Service port, or null; a factory may reuse
     *                     its state (a round-robin cursor, IPVS's destination order, an unchanged Maglev table)
     * @return the scheduler for those destinations
     */
    Scheduler create(List<Destination> destinations, Scheduler previous);
}
