package io.vipflow.service;

import io.vipflow.internal.FlowHash;
import io.vipflow.packet.Addresses;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the control plane keeps between publishes to make each snapshot from the previous one in proportion to the
 * Services that changed: which Services claim each frontend address (the first by key wins; the others are
 * conflicts), which winning frontends' addresses can carry each backend's replies, and the Service ports in
 * Service-key order. A publish goes {@link #begin}, {@link #replace} once per changed Service, {@link #done}.
 * <p>
 * A recompiled Service costs what changed in it: its backends that stayed are the same objects
 * ({@link ServiceCompiler}) and keep their entries in the backend table, and the reply table names frontends by
 * address, so a backend that stays behind the same frontend address keeps its entry there too.
 * <p>
 * Thread contract: control-plane thread only. The snapshots it makes are immutable and share the unchanged parts
 * of their tables with the previous snapshot ({@link AddressPortMap}).
 */
final class SnapshotState
{
    /** A frontend or reply key: address, port, and {@link AddressPortMap#familyProtocol}. */
    private record SocketKey(long hi, long lo, int port, int protocol)
    {
        static SocketKey of(final Frontend f)
        {
            return new SocketKey(f.addrHi, f.addrLo, f.port, AddressPortMap.familyProtocol(f.protocol, f.ipv6));
        }

        static SocketKey reply(final Frontend f, final Backend b)
        {
            return new SocketKey(b.addrHi, b.addrLo, b.port, AddressPortMap.familyProtocol(f.protocol, b.ipv6));
        }

        @Override
        public int hashCode()
        {
            return (int)FlowHash.mix(lo ^ Long.rotateLeft(hi, 29) ^ ((long)port << 40) ^ ((long)protocol << 56));
        }
    }

    /** Per frontend key: the claiming Services by key, each with its frontends at that key in compile order. */
    private final Map<SocketKey, TreeMap<String, List<Frontend>>> claims = new HashMap<>();
    /** Per reply key: the keys of the winning frontends whose Service port lists that backend. */
    private final Map<SocketKey, List<SocketKey>> replies = new HashMap<>();
    private final Set<SocketKey> conflicted = new HashSet<>();
    /** Keys of the Services that have ports, sorted, and their ports. */
    private String[] order = new String[0];
    private ServicePort[][] ports = new ServicePort[0][];

    /** Per active ClusterIP (port 0, {@link AddressPortMap#familyProtocol} of protocol 0): the Services holding it. */
    private final Map<SocketKey, Integer> clusterIpHolders = new HashMap<>();

    /** Entries put into or removed from the snapshots' tables, over all publishes (for tests). */
    private long writes;
    private Snapshot previous;
    private AddressPortMap.Editor<Backend> byId;
    private AddressPortMap.Editor<Backend> departedById;
    private AddressPortMap.Editor<Boolean> clusterIps;
    private final Set<SocketKey> touched = new HashSet<>();
    private final TreeMap<String, ServicePort[]> portChanges = new TreeMap<>();

    /** Starts the next snapshot from the last published one. */
    void begin(final Snapshot last)
    {
        previous = last;
        byId = last.backendsById().edit();
        departedById = last.departedById().edit();
        clusterIps = last.clusterIps().edit();
        touched.clear();
        portChanges.clear();
    }

    /** One Service changed: {@code old} (null when new) is replaced by {@code next} (null when removed). */
    void replace(final String serviceKey, final ServiceCompiler.Compiled old, final ServiceCompiler.Compiled next)
    {
        if (old != null)
        {
            holdClusterIps(old.spec(), -1);
            for (final Frontend f : old.frontends())
            {
                final SocketKey k = SocketKey.of(f);
                final TreeMap<String, List<Frontend>> byService = claims.get(k);
                if (byService != null)
                {
                    byService.remove(serviceKey);
                }
                touched.add(k);
            }
            for (final ServicePort sp : old.ports())
            {
                final ServicePort kept = next == null ? null : next.port(sp.id);
                for (int i = 0; i < sp.listedCount(); i++)
                {
                    final int id = sp.listed(i).id;
                    if (kept == null || kept.backend(id) == null)
                    {
                        byId.remove(0, id, 0, 0);
                        writes++;
                    }
                }
                for (int i = 0; i < sp.departedCount(); i++)
                {
                    final int id = sp.departedAt(i).id;
                    if (kept == null || kept.departed(id) == null)
                    {
                        departedById.remove(0, id, 0, 0);
                        writes++;
                    }
                }
            }
        }
        if (next != null)
        {
            holdClusterIps(next.spec(), 1);
            for (final Frontend f : next.frontends())
            {
                final SocketKey k = SocketKey.of(f);
                claims.computeIfAbsent(k, x -> new TreeMap<>()).computeIfAbsent(serviceKey, x -> new ArrayList<>(1))
                    .add(f);
                touched.add(k);
            }
            final AddressPortMap<Backend> before = previous.backendsById();
            for (final ServicePort sp : next.ports())
            {
                final ServicePort was = old == null ? null : old.port(sp.id);
                for (int i = 0; i < sp.listedCount(); i++)
                {
                    // Ids belong to one Service port each, so the last snapshot holds this id's current entry: the
                    // backend the port's last compile listed under it (found without a probe of the large table,
                    // whose lines a big cluster does not keep in cache), or whatever the table holds.
                    final Backend b = sp.listed(i);
                    if ((was != null ? was.backend(b.id) : before.get(0, b.id, 0, 0)) != b)
                    {
                        byId.put(0, b.id, 0, 0, b);
                        writes++;
                    }
                }
                for (int i = 0; i < sp.departedCount(); i++)
                {
                    final Backend b = sp.departedAt(i);
                    if (previous.departedById().get(0, b.id, 0, 0) != b)
                    {
                        departedById.put(0, b.id, 0, 0, b);
                        writes++;
                    }
                }
            }
        }
        portChanges.put(serviceKey, next == null || next.ports().isEmpty() ? null :
            next.ports().toArray(new ServicePort[0]));
    }

    /**
     * The set of active ClusterIPs (kube-proxy nftables' {@code cluster-ips}): every ClusterIP of a Service that has
     * one, whatever its ports and endpoints.
     */
    private void holdClusterIps(final ServiceSpec spec, final int delta)
    {
        if (spec.type() == ServiceType.EXTERNAL_NAME)
        {
            return;
        }
        for (final String ip : spec.clusterIps())
        {
            final long[] a = Addresses.parse(ip);
            final SocketKey k = new SocketKey(a[0], a[1], 0, AddressPortMap.familyProtocol(0, a[2] == 6));
            final int held = clusterIpHolders.getOrDefault(k, 0) + delta;
            if (held <= 0)
            {
                clusterIpHolders.remove(k);
                clusterIps.remove(k.hi, k.lo, 0, k.protocol);
            }
            else
            {
                clusterIpHolders.put(k, held);
                clusterIps.put(k.hi, k.lo, 0, k.protocol, Boolean.TRUE);
            }
        }
    }

    /** The snapshot with every {@link #replace} applied. */
    Snapshot done(final long generation, final NodeTraffic traffic)
    {
        final AddressPortMap<Frontend> before = previous.frontends.map();
        final AddressPortMap.Editor<Frontend> frontends = before.edit();
        final AddressPortMap.Editor<long[]> replyEdit = previous.replyFrontends().edit();
        final Set<SocketKey> touchedReplies = new HashSet<>();
        boolean conflictsChanged = false;
        for (final SocketKey k : touched)
        {
            final TreeMap<String, List<Frontend>> byService = claims.get(k);
            Frontend winner = null;
            int claimants = 0;
            if (byService != null && byService.isEmpty())
            {
                claims.remove(k);
            }
            else if (byService != null)
            {
                winner = byService.firstEntry().getValue().get(0);
                for (final List<Frontend> l : byService.values())
                {
                    claimants += l.size();
                }
            }
            final Frontend was = before.get(k.hi, k.lo, k.port, k.protocol);
            if (was != winner)
            {
                if (was != null && winner != null && was.target.id == winner.target.id)
                {
                    // The same Service port, recompiled: only the backends it gained or lost change their replies.
                    replies(k, was, winner.target, false, touchedReplies);
                    replies(k, winner, was.target, true, touchedReplies);
                }
                else
                {
                    if (was != null)
                    {
                        replies(k, was, null, false, touchedReplies);
                    }
                    if (winner != null)
                    {
                        replies(k, winner, null, true, touchedReplies);
                    }
                }
                if (winner == null)
                {
                    frontends.remove(k.hi, k.lo, k.port, k.protocol);
                    writes++;
                }
                else
                {
                    frontends.put(k.hi, k.lo, k.port, k.protocol, winner);
                    writes++;
                }
            }
            if (claimants > 1)
            {
                conflicted.add(k);
                conflictsChanged = true;
            }
            else if (conflicted.remove(k))
            {
                conflictsChanged = true;
            }
        }
        for (final SocketKey k : touchedReplies)
        {
            final List<SocketKey> l = replies.get(k);
            if (l == null || l.isEmpty())
            {
                replies.remove(k);
                replyEdit.remove(k.hi, k.lo, k.port, k.protocol);
                writes++;
            }
            else
            {
                final long[] triples = new long[l.size() * 3];
                for (int i = 0; i < l.size(); i++)
                {
                    triples[i * 3] = l.get(i).hi;
                    triples[i * 3 + 1] = l.get(i).lo;
                    triples[i * 3 + 2] = l.get(i).port;
                }
                replyEdit.put(k.hi, k.lo, k.port, k.protocol, triples);
                writes++;
            }
        }
        if (!portChanges.isEmpty())
        {
            mergePorts();
        }
        final Snapshot s = new Snapshot(generation, new FrontendTable(frontends.done()), ports,
            conflictsChanged ? conflicts() : previous.conflicts(), byId.done(), departedById.done(), replyEdit.done(),
            clusterIps.done(), traffic);
        previous = null;
        byId = null;
        departedById = null;
        clusterIps = null;
        return s;
    }

    /**
     * Adds the frontend key {@code k} (of frontend {@code f}) to, or removes it from, the reply entries of the
     * backends {@code f}'s port lists, except those {@code other} (a version of the same port, or null) lists too.
     */
    private void replies(final SocketKey k, final Frontend f, final ServicePort other, final boolean add,
        final Set<SocketKey> touchedReplies)
    {
        final ServicePort sp = f.target;
        for (int i = 0; i < sp.listedCount(); i++)
        {
            final Backend b = sp.listed(i);
            if (other != null && other.backend(b.id) != null)
            {
                continue;
            }
            final SocketKey r = SocketKey.reply(f, b);
            if (add)
            {
                replies.computeIfAbsent(r, x -> new ArrayList<>(1)).add(k);
            }
            else
            {
                final List<SocketKey> l = replies.get(r);
                if (l != null)
                {
                    l.remove(k);
                }
            }
            touchedReplies.add(r);
        }
    }

    /** Every frontend that lost its address to another, as "loser conflicts with winner", sorted. */
    private List<String> conflicts()
    {
        final List<String> out = new ArrayList<>();
        for (final SocketKey k : conflicted)
        {
            Frontend winner = null;
            for (final List<Frontend> l : claims.get(k).values())
            {
                for (final Frontend f : l)
                {
                    if (winner == null)
                    {
                        winner = f;
                    }
                    else
                    {
                        out.add(f + " conflicts with " + winner);
                    }
                }
            }
        }
        out.sort(null);
        return out;
    }

    long writeCount()
    {
        return writes;
    }

    /** Applies the port changes to the sorted arrays: binary searches and block copies, no per-Service walk. */
    private void mergePorts()
    {
        final int[] slots = new int[portChanges.size()];
        int k = 0;
        boolean inPlace = true;
        for (final Map.Entry<String, ServicePort[]> e : portChanges.entrySet())
        {
            slots[k] = Arrays.binarySearch(order, e.getKey());
            inPlace &= slots[k++] >= 0 && e.getValue() != null;
        }
        if (inPlace)
        {
            // The usual case, Services changed but none came or went: the key order stands.
            ports = ports.clone();
            k = 0;
            for (final ServicePort[] p : portChanges.values())
            {
                ports[slots[k++]] = p;
            }
            return;
        }
        final String[] keys = new String[order.length + portChanges.size()];
        final ServicePort[][] values = new ServicePort[keys.length][];
        int n = 0;
        int i = 0;
        for (final Map.Entry<String, ServicePort[]> e : portChanges.entrySet())
        {
            final int found = Arrays.binarySearch(order, i, order.length, e.getKey());
            final int at = found >= 0 ? found : -found - 1;
            System.arraycopy(order, i, keys, n, at - i);
            System.arraycopy(ports, i, values, n, at - i);
            n += at - i;
            if (e.getValue() != null)
            {
                keys[n] = e.getKey();
                values[n] = e.getValue();
                n++;
            }
            i = found >= 0 ? found + 1 : at;
        }
        System.arraycopy(order, i, keys, n, order.length - i);
        System.arraycopy(ports, i, values, n, order.length - i);
        n += order.length - i;
        order = Arrays.copyOf(keys, n);
        ports = Arrays.copyOf(values, n);
    }
}
