package io.vipflow.sched;

import java.util.Objects;

/**
 * A backend as a scheduler sees it.
 *
 * @param name     stable name ({@code address:port}); orders consistent-hash tables
 * @param weight   0 for a quiesced backend (listed, takes no new flows), otherwise its weight (1 for Kubernetes
 *                 endpoints, which have no weights)
 * @param counters its live connection counts
 */
public record Destination(String name, int weight, ConnCounters counters)
{
    /**
     * The canonical constructor, checking and normalising the components.
     *
     * @param name stable name ({@code address:port}); orders consistent-hash tables
     * @param weight 0 for a quiesced backend (listed, takes no new flows), otherwise its weight (1 for Kubernetes
     *               endpoints, which have no weights)
     * @param counters its live connection counts
     */
    public Destination
    {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(counters, "counters");
        if (weight < 0)
        {
            throw new IllegalArgumentException("weight must not be negative: " + weight);
        }
    }

    /**
     * {@return a destination of weight 1 with fresh counters}
     *
     * @param name the backend's name
     */
    public static Destination of(final String name)
    {
        return new Destination(name, 1, new ConnCounters());
    }
}
