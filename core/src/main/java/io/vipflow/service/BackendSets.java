package io.vipflow.service;

import io.vipflow.sched.Destination;
import io.vipflow.sched.Scheduler;
import io.vipflow.sched.SchedulerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The backend sets of a compiled Service port: which backends a scheduler is given, in which order and at which
 * weight, and the scheduler built for them from the one it replaces. Control plane only; stateless.
 */
final class BackendSets
{
    private BackendSets()
    {
    }

    /**
     * The scheduler's destinations. By default every listed backend, in name order, members at weight 1 and the
     * others quiesced at weight 0, so hash layouts stay put while an endpoint is not ready.
     * <p>
     * In the IPVS profile ({@code ipvs}) they are what kube-proxy's IPVS proxier makes of the endpoints
     * (ipvs/proxier.go {@code syncEndpoint}): the members only, at weight 1, handed over in descending name order.
     * kube-proxy adds new endpoints one {@code AddRealServer} at a time in ascending string order of {@code ip:port}
     * (sorted {@code sets.List} through v1.29; Go map order since v1.30, which nothing can reproduce) and the kernel
     * puts each at the head of the list (ip_vs_ctl.c {@code __ip_vs_update_dest}, {@code list_add_rcu}), so the new
     * block reads descending; the IPVS schedulers put the destinations new to their list at its head in the order
     * given ({@code IpvsList}). An endpoint that stops being a member is deleted gracefully (graceful_termination.go
     * {@code GracefulDeleteRS}): for TCP, while it is still listed and has connections it stays at weight 0 in its
     * place; UDP and SCTP ones leave at once ({@code IsRsGracefulTerminationNeeded}). One that becomes a member
     * again while draining is deleted and added again ({@code MoveRSOutofGracefulDeleteList}, then
     * {@code AddRealServer}), so it goes to the head. An endpoint that left the slices altogether leaves the set as
     * well, so it drains the same way ({@code departed}: kube-proxy's {@code syncEndpoint} deletes every current
     * destination not in the new endpoint set through {@code GracefulDeleteRS}).
     */
    static BackendSet backendSet(final boolean ipvs, final List<Backend> listedSorted, final List<Backend> departed,
        final boolean cluster, final SchedulerFactory factory, final BackendSet previous, final boolean drains)
    {
        final List<Backend> sorted = ipvs ? withDeparted(listedSorted, departed) : listedSorted;
        final Set<String> wasDestination = ipvs && previous != null ? previous.destinationNames() : Set.of();
        final Set<String> wasMember = ipvs && previous != null ? previous.memberNames() : Set.of();
        final List<Backend> members = new ArrayList<>();
        final List<Backend> listed = new ArrayList<>(sorted.size());
        final List<Destination> destinations = new ArrayList<>(sorted.size());
        final List<Destination> withoutReturning = new ArrayList<>(sorted.size());
        for (int i = 0; i < sorted.size(); i++)
        {
            final Backend b = sorted.get(ipvs ? sorted.size() - 1 - i : i);
            final boolean member = !departed.contains(b) && (cluster ? b.inClusterSet : b.inLocalSet);
            final boolean draining = ipvs && !member && drains && wasDestination.contains(b.name) &&
                b.counters.active() + b.counters.inactive() > 0;
            if (member)
            {
                members.add(b);
            }
            if (member || draining || !ipvs)
            {
                listed.add(b);
                final Destination d = new Destination(b.name, member ? 1 : 0, b.counters);
                destinations.add(d);
                if (!(member && wasDestination.contains(b.name) && !wasMember.contains(b.name)))
                {
                    withoutReturning.add(d);
                }
            }
        }
        if (members.isEmpty())
        {
            return BackendSet.EMPTY;
        }
        if (ipvs)
        {
            members.sort(Comparator.comparing(b -> b.name));
        }
        Scheduler before = previous == null ? null : previous.scheduler();
        if (withoutReturning.size() != destinations.size())
        {
            before = factory.create(withoutReturning, before);
        }
        return new BackendSet(listed.toArray(new Backend[0]), members.toArray(new Backend[0]),
            factory.create(destinations, before));
    }

    /** The listed backends and the departed ones whose name is not listed again, in name order. */
    private static List<Backend> withDeparted(final List<Backend> listed, final List<Backend> departed)
    {
        if (departed.isEmpty())
        {
            return listed;
        }
        final Set<String> names = new HashSet<>();
        for (final Backend b : listed)
        {
            names.add(b.name);
        }
        final List<Backend> out = new ArrayList<>(listed);
        for (final Backend b : departed)
        {
            if (names.add(b.name))
            {
                out.add(b);
            }
        }
        out.sort(Comparator.comparing(b -> b.name));
        return out;
    }

    /**
     * IPVS profile: every frontend from {@code first} on is a virtual service of its own, with its own destination
     * list and scheduler state (ip_vs_ctl.c keeps {@code svc->destinations} and {@code sched_data} per
     * {@code ip_vs_service}; kube-proxy creates one per ClusterIP, external IP, LB IP and node IP), carried from the
     * previous compile's frontend at the same address, port and protocol. A frontend that is new builds its list from
     * scratch, so it can differ from an older frontend's list of the same endpoints.
     */
    static void virtualServices(final List<Frontend> frontends, final int first, final ServicePort sp,
        final SchedulerFactory scheduler, final ServiceCompiler.Compiled previous)
    {
        final List<Backend> sorted = new ArrayList<>(sp.listedCount());
        for (int i = 0; i < sp.listedCount(); i++)
        {
            sorted.add(sp.listed(i));
        }
        final List<Backend> departed = new ArrayList<>(sp.departedCount());
        for (int i = 0; i < sp.departedCount(); i++)
        {
            departed.add(sp.departedAt(i));
        }
        final boolean drains = sp.port.protocol() == Protocol.TCP;
        for (int i = first; i < frontends.size(); i++)
        {
            final Frontend f = frontends.get(i);
            BackendSet before = null;
            for (final Frontend p : previous == null ? List.<Frontend>of() : previous.frontends())
            {
                if (p.virtualService != null && p.target.id == sp.id && p.kind == f.kind && p.addrHi == f.addrHi &&
                    p.addrLo == f.addrLo && p.port == f.port)
                {
                    before = p.virtualService;
                }
            }
            frontends.set(i, f.withVirtualService(backendSet(true, sorted, departed, !sp.localPolicy(f.kind.external),
                scheduler, before, drains)));
        }
    }
}
