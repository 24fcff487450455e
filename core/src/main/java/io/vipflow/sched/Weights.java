package io.vipflow.sched;

import java.util.List;

/** Helpers over destination weights. Control plane only. */
final class Weights
{
    private Weights()
    {
    }

    /** Indexes of the destinations with weight above 0, in list order. */
    static int[] positiveIndexes(final List<Destination> destinations)
    {
        return destinations.stream().filter(d -> d.weight() > 0).mapToInt(destinations::indexOf).toArray();
    }
}
