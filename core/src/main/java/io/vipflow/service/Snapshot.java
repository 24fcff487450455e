package io.vipflow.service;

import io.vipflow.sched.ConnCounters;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything the data plane reads, compiled from one consistent state of Services and EndpointSlices.
 * Immutable: the control plane builds a new snapshot and publishes it with one volatile store, so a reader
 * sees either the old state whole or the new one whole. Consecutive snapshots share the parts that did not
 * change (compiled Service ports, table segments); nothing a published snapshot holds is written again.
 */
public final class Snapshot
{
    /** Publication count, starting at 1 for the first published snapshot (0 for the initial empty one). */
    public final long generation;
    /**
     * Every frontend of every Service port, by destination address, port and protocol.
     * @hidden
     */
    public final FrontendTable frontends;
    /**
     * Where packets come from and the Service CIDRs, as the node's {@link NodeNetwork} says.
     * @hidden
     */
    public final NodeTraffic traffic;
    /** The Service ports of each Service that has any, in Service-key order. */
    private final ServicePort[][] portsByService;
    private final List<String> conflicts;
    private final AddressPortMap<Backend> backendsById;
    /** Backends that left the slices and are kept while entries name them ({@link ServicePort#departed}), by id. */
    private final AddressPortMap<Backend> departedById;
    private final AddressPortMap<long[]> replyFrontends;
    private final AddressPortMap<Boolean> clusterIps;
    private volatile List<ServicePort> servicePorts;

    Snapshot(final long generation, final FrontendTable frontends, final ServicePort[][] portsByService,
        final List<String> conflicts, final AddressPortMap<Backend> backendsById,
        final AddressPortMap<Backend> departedById, final AddressPortMap<long[]> replyFrontends,
        final AddressPortMap<Boolean> clusterIps, final NodeTraffic traffic)
    {
        this.departedById = departedById;
        this.clusterIps = clusterIps;
        this.generation = generation;
        this.frontends = frontends;
        this.traffic = traffic;
        this.portsByService = portsByService;
        this.conflicts = List.copyOf(conflicts);
        this.backendsById = backendsById;
        this.replyFrontends = replyFrontends;
    }

    static Snapshot empty()
    {
        return new Snapshot(0, FrontendTable.EMPTY, new ServicePort[0][], List.of(), AddressPortMap.empty(),
            AddressPortMap.empty(), AddressPortMap.empty(), AddressPortMap.empty(), NodeTraffic.NONE);
    }

    /**
     * {@return true when a Service holds this address as a ClusterIP (on any port)} Allocation-free; any thread.
     *
     * @param ipv6 the address family
     * @param hi   the address, high 64 bits
     * @param lo   the address, low 64 bits
     */
    public boolean isClusterIp(final boolean ipv6, final long hi, final long lo)
    {
        return clusterIps.get(hi, lo, 0, AddressPortMap.familyProtocol(0, ipv6)) != null;
    }

    AddressPortMap<Boolean> clusterIps()
    {
        return clusterIps;
    }

    /** {@return every compiled Service port, ordered by Service key, port and family (built at the first call)} */
    public List<ServicePort> servicePorts()
    {
        List<ServicePort> all = servicePorts;
        if (all == null)
        {
            final List<ServicePort> out = new ArrayList<>();
            for (final ServicePort[] ports : portsByService)
            {
                out.addAll(List.of(ports));
            }
            all = List.copyOf(out);
            servicePorts = all;
        }
        return all;
    }

    /** {@return frontends claimed by more than one Service port; the first Service by key keeps each one} */
    public List<String> conflicts()
    {
        return conflicts;
    }

    /**
     * {@return a listed backend by id, or null when no Service port lists it} Allocation-free.
     *
     * @param backendId a backend id
     */
    public Backend backend(final int backendId)
    {
        return backendsById.get(0, backendId, 0, 0);
    }

    /**
     * {@return the connection counters of a listed backend, or of one that left the slices while entries still
     * named it ({@link ServicePort#departed}); null for any other id} Allocation-free.
     *
     * @param backendId a backend id
     */
    public ConnCounters counters(final int backendId)
    {
        Backend b = backend(backendId);
        if (b == null)
        {
            b = departedById.get(0, backendId, 0, 0);
        }
        return b == null ? null : b.counters;
    }

    /**
     * The frontends that may have carried a flow now answered from (address, port, protocol), as their addresses
     * and ports: {@code addrHi, addrLo, port} for each in turn (the protocol and family are the reply's); null when
     * there are none. {@link FrontendTable#lookup} in the same snapshot gives each one's {@link Frontend}, whose
     * Service port lists the backend. Allocation-free.
     *
     * @param ipv6     the answer's family
     * @param srcHi    the answer's source address (a backend), high 64 bits
     * @param srcLo    its low 64 bits
     * @param srcPort  the answer's source port
     * @param protocol the IP protocol number
     * @return the triples, or null
     */
    public long[] replyFrontends(final boolean ipv6, final long srcHi, final long srcLo, final int srcPort,
        final int protocol)
    {
        return replyFrontends.get(srcHi, srcLo, srcPort, AddressPortMap.familyProtocol(protocol, ipv6));
    }

    /**
     * {@return {@link #replyFrontends} as frontends, or null; allocates (for tools and tests)}
     *
     * @param ipv6     the answer's family
     * @param srcHi    the answer's source address (a backend), high 64 bits
     * @param srcLo    its low 64 bits
     * @param srcPort  the answer's source port
     * @param protocol the IP protocol number
     */
    public Frontend[] replyCandidates(final boolean ipv6, final long srcHi, final long srcLo, final int srcPort,
        final int protocol)
    {
        final long[] triples = replyFrontends(ipv6, srcHi, srcLo, srcPort, protocol);
        if (triples == null)
        {
            return null;
        }
        final Frontend[] out = new Frontend[triples.length / 3];
        for (int i = 0; i < out.length; i++)
        {
            out[i] = frontends.lookup(ipv6, triples[i * 3], triples[i * 3 + 1], (int)triples[i * 3 + 2], protocol);
        }
        return out;
    }

    AddressPortMap<Backend> backendsById()
    {
        return backendsById;
    }

    AddressPortMap<Backend> departedById()
    {
        return departedById;
    }

    AddressPortMap<long[]> replyFrontends()
    {
        return replyFrontends;
    }
}
