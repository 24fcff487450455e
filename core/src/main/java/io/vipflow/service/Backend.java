package io.vipflow.service;

import io.vipflow.packet.Addresses;
import io.vipflow.sched.ConnCounters;

/**
 * One endpoint address and port behind one Service port, as compiled into a {@link Snapshot}. Immutable.
 * <p>
 * {@link #id} is stable for as long as the endpoint stays listed in the Service's slices, and never reused: a
 * connection-table entry that names an id missing from the current snapshot belongs to a removed backend.
 */
public final class Backend
{
    public final int id;
    public final boolean ipv6;
    public final long addrHi;
    public final long addrLo;
    public final int port;
    /** Stable name {@code address:port} (IPv6 bracketed); orders backends for the schedulers. */
    public final String name;
    public final boolean ready;
    public final boolean serving;
    public final boolean terminating;
    public final String nodeName;
    public final String zone;
    /** In the cluster set of docs/SEMANTICS.md §2: may take new flows under a Cluster traffic policy. */
    public final boolean inClusterSet;
    /** In the local set of docs/SEMANTICS.md §2: may take new flows under a Local traffic policy. */
    public final boolean inLocalSet;
    /** Live connection counts; the same object for as long as the backend keeps its id. */
    public final ConnCounters counters;

    Backend(final int id, final boolean ipv6, final long addrHi, final long addrLo, final int port,
        final EndpointSpec endpoint, final boolean inClusterSet, final boolean inLocalSet, final ConnCounters counters)
    {
        this.counters = counters;
        this.id = id;
        this.ipv6 = ipv6;
        this.addrHi = addrHi;
        this.addrLo = addrLo;
        this.port = port;
        this.name = Addresses.formatSocket(ipv6, addrHi, addrLo, port);
        this.ready = endpoint.ready();
        this.serving = endpoint.serving();
        this.terminating = endpoint.terminating();
        this.nodeName = endpoint.nodeName();
        this.zone = endpoint.zone();
        this.inClusterSet = inClusterSet;
        this.inLocalSet = inLocalSet;
    }

    /** May this backend take a new flow arriving under the given policy set? */
    public boolean usableForNew(final boolean localPolicy)
    {
        return localPolicy ? inLocalSet : inClusterSet;
    }

    @Override
    public String toString()
    {
        return name;
    }
}
