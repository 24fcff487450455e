package io.vipflow.sched;

import java.util.List;

/**
 * The schedulers available by name. Control plane only.
 */
public final class Schedulers
{
    /** The names {@link #factory} accepts. */
    public static final List<String> NAMES = List.of("rr", "random", "maglev");

    private Schedulers()
    {
    }

    /**
     * @param name a scheduler name from {@link #NAMES}
     * @param seed seed for schedulers that draw pseudo-random numbers (so a replay is repeatable)
     * @throws IllegalArgumentException naming the valid choices when the name is unknown
     */
    public static SchedulerFactory factory(final String name, final long seed)
    {
        switch (name)
        {
            case "rr": return RoundRobinScheduler::create;
            case "random": return (destinations, previous) -> new RandomScheduler(destinations, seed);
            case "maglev": return (destinations, previous) ->
                MaglevScheduler.create(destinations, MaglevTable.DEFAULT_SIZE, previous);
            default: throw new IllegalArgumentException("unknown scheduler '" + name + "' (one of " + NAMES + ")");
        }
    }
}
