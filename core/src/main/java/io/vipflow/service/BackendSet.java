package io.vipflow.service;

import io.vipflow.packet.PacketTuple;
import io.vipflow.sched.Scheduler;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * The backends that may take new flows for one Service port under one traffic policy, with the scheduler
 * built for them. The scheduler sees every listed backend (quiesced ones with weight 0), so that schedulers whose
 * tables depend on the whole list (IPVS sh, dh, mh) keep their layout when a backend is quiesced; in the IPVS
 * profile it sees what kube-proxy's IPVS proxier programs instead (members, and TCP destinations draining at
 * weight 0), see {@link BackendSets}.
 * Immutable apart from the scheduler's own state; any thread may call {@link #pick}.
 * <p>
 * Not API (docs/API.md): public because the classifier in another package picks backends from it;
 * applications read a Service port's backends from {@link ServicePort}.
 * @hidden
 */
public final class BackendSet
{
    static final BackendSet EMPTY = new BackendSet(new Backend[0], new Backend[0], null);

    private final Backend[] destinations;
    private final Backend[] members;
    private final Scheduler scheduler;

    BackendSet(final Backend[] destinations, final Backend[] members, final Scheduler scheduler)
    {
        this.destinations = destinations;
        this.members = members;
        this.scheduler = scheduler;
    }

    /** {@return true when no backend may take a new flow} */
    public boolean isEmpty()
    {
        return members.length == 0;
    }

    /** {@return the number of backends that may take new flows} */
    public int size()
    {
        return members.length;
    }

    /**
     * {@return the i-th backend that may take new flows, in name order}
     *
     * @param i an index, {@code 0..size()-1}
     */
    public Backend get(final int i)
    {
        return members[i];
    }

    /**
     * {@return the scheduler's choice for a new flow, or null when no backend may take it}
     *
     * @param packet   the flow's first packet
     * @param flowHash the flow's hash ({@link io.vipflow.conntrack.FlowKey#hash})
     */
    public Backend pick(final PacketTuple packet, final long flowHash)
    {
        final int i = scheduler.pick(packet, flowHash);
        return i < 0 ? null : destinations[i];
    }

    /** The names of the scheduler's destinations (control plane). */
    Set<String> destinationNames()
    {
        final Set<String> names = new HashSet<>();
        for (final Backend b : destinations)
        {
            names.add(b.name);
        }
        return names;
    }

    /** The names of the backends that may take new flows (control plane). */
    Set<String> memberNames()
    {
        final Set<String> names = new HashSet<>();
        for (final Backend b : members)
        {
            names.add(b.name);
        }
        return names;
    }

    /**
     * True when one of the scheduler's destinations takes no new flow and has no connection left: in the IPVS
     * profile, a draining destination that kube-proxy's graceful-termination check would now delete (control plane).
     */
    boolean holdsDrainedDestination()
    {
        if (destinations.length == members.length)
        {
            return false;
        }
        final Set<Backend> memberSet = Collections.newSetFromMap(new IdentityHashMap<>());
        memberSet.addAll(Arrays.asList(members));
        for (final Backend b : destinations)
        {
            if (!memberSet.contains(b) && b.counters.active() + b.counters.inactive() == 0)
            {
                return true;
            }
        }
        return false;
    }

    /** {@return the scheduler, or null for an empty set} */
    public Scheduler scheduler()
    {
        return scheduler;
    }
}
