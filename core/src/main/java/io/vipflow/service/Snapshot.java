package io.vipflow.service;

import io.vipflow.sched.ConnCounters;
import org.agrona.collections.Int2ObjectHashMap;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    private final Int2ObjectHashMap<Backend> backendsById = new Int2ObjectHashMap<>();
    private final AddressPortMap<Frontend[]> replyCandidates;

    Snapshot(final long generation, final FrontendTable frontends, final List<ServicePort> servicePorts,
        final List<String> conflicts)
    {
        this.generation = generation;
        this.frontends = frontends;
        this.servicePorts = List.copyOf(servicePorts);
        this.conflicts = List.copyOf(conflicts);
        for (final ServicePort sp : servicePorts)
        {
            for (int i = 0; i < sp.listedCount(); i++)
            {
                backendsById.put(sp.listed(i).id, sp.listed(i));
            }
        }
        this.replyCandidates = buildReplyCandidates(frontends.all());
    }

    static Snapshot empty()
    {
        return new Snapshot(0, new FrontendTable(List.of()), List.of(), List.of());
    }

    /**
     * For reply packets (backend to client): the frontends through which a flow could have reached the
     * backend at (address, port, protocol). Each is a candidate key for the connection-table lookup.
     */
    private static AddressPortMap<Frontend[]> buildReplyCandidates(final List<Frontend> frontends)
    {
        final Map<String, List<Frontend>> byBackend = new LinkedHashMap<>();
        final Map<String, Backend> backendOfKey = new LinkedHashMap<>();
        for (final Frontend f : frontends)
        {
            final ServicePort sp = f.target;
            for (int i = 0; i < sp.listedCount(); i++)
            {
                final Backend b = sp.listed(i);
                final String key = f.protocol + "|" + b.ipv6 + "|" + b.name;
                byBackend.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
                backendOfKey.putIfAbsent(key, b);
            }
        }
        final int n = byBackend.size();
        final long[] hi = new long[n];
        final long[] lo = new long[n];
        final int[] port = new int[n];
        final int[] protocol = new int[n];
        final List<Frontend[]> values = new ArrayList<>(n);
        int i = 0;
        for (final Map.Entry<String, List<Frontend>> e : byBackend.entrySet())
        {
            final Backend b = backendOfKey.get(e.getKey());
            hi[i] = b.addrHi;
            lo[i] = b.addrLo;
            port[i] = b.port;
            protocol[i] = AddressPortMap.familyProtocol(e.getValue().get(0).protocol, b.ipv6);
            values.add(e.getValue().toArray(new Frontend[0]));
            i++;
        }
        return new AddressPortMap<>(hi, lo, port, protocol, values);
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

    /** A listed backend by id, or null when no Service port lists it. Allocation-free. */
    public Backend backend(final int backendId)
    {
        return backendsById.get(backendId);
    }

    /** The connection counters of a listed backend, or null. Allocation-free. */
    public ConnCounters counters(final int backendId)
    {
        final Backend b = backendsById.get(backendId);
        return b == null ? null : b.counters;
    }

    /** Frontends that may have carried a flow now answered from (address, port, protocol), or null. */
    public Frontend[] replyCandidates(final boolean ipv6, final long srcHi, final long srcLo, final int srcPort,
        final int protocol)
    {
        return replyCandidates.get(srcHi, srcLo, srcPort, AddressPortMap.familyProtocol(protocol, ipv6));
    }
}
