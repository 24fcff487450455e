package io.vipflow.service;

import java.util.List;

/**
 * Everything the data plane reads, compiled from one consistent state of Services and EndpointSlices.
 * Immutable: the control plane builds a new snapshot and publishes it with one volatile store, so a reader
 * sees either the old state whole or the new one whole.
 */
public final class Snapshot
{
    /** Publication count, starting at 1 for the first published snapshot (0 for the initial empty one). */
    public final long generation;
    public final FrontendTable frontends;
    private final List<ServicePort> servicePorts;
    private final List<String> conflicts;

    Snapshot(final long generation, final FrontendTable frontends, final List<ServicePort> servicePorts,
        final List<String> conflicts)
    {
        this.generation = generation;
        this.frontends = frontends;
        this.servicePorts = List.copyOf(servicePorts);
        this.conflicts = List.copyOf(conflicts);
    }

    static Snapshot empty()
    {
        return new Snapshot(0, new FrontendTable(List.of()), List.of(), List.of());
    }

    /** Every compiled Service port, ordered by Service key, port and family. */
    public List<ServicePort> servicePorts()
    {
        return servicePorts;
    }

    /** Frontends claimed by more than one Service port; the first Service by key keeps each one. */
    public List<String> conflicts()
    {
        return conflicts;
    }
}
