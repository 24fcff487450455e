package io.vipflow.sched;

import java.util.List;

/**
 * Builds a {@link Scheduler} for one ordered set of backends. Control plane only.
 */
@FunctionalInterface
public interface SchedulerFactory
{
    /**
     * @param backendNames stable names of the backends, in the order the scheduler indexes them; never empty
     * @param previous     the scheduler this one replaces for the same Service port, or null; a factory may reuse
     *                     its state (a round-robin cursor, an unchanged Maglev table)
     */
    Scheduler create(List<String> backendNames, Scheduler previous);
}
