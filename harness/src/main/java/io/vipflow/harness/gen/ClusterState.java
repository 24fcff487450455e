package io.vipflow.harness.gen;

import io.vipflow.testkit.ChurnEvent;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.EndpointSpec;
import io.vipflow.service.ServiceSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The generated cluster as the API server holds it: nodes, Deployments and their pods, and the EndpointSlices last
 * sent. Changes are collected per instant and turned into watch events by {@link #flush}, which diffs every slice
 * of a changed Deployment against the version last sent, as the EndpointSlice controller only writes slices whose
 * content changed.
 * <p>
 * Thread contract: confined to the generating thread.
 */
final class ClusterState
{
    private final int nodes;
    private final boolean[] down;
    private final int[] nextSerial;
    private final int placementOffset;
    final SplittableRandom random;
    private final TreeMap<String, Deployment> deployments = new TreeMap<>();
    private final List<ServiceSpec> declared = new ArrayList<>();
    /** Slices last sent, by Deployment key, then slice key. */
    private final Map<String, Map<String, EndpointSliceSpec>> sent = new TreeMap<>();
    private final List<ChurnEvent> serviceEvents = new ArrayList<>();
    /** Deployments changed since the last flush. */
    private final Set<String> dirty = new TreeSet<>();
    /** What changed per Deployment since the last description. */
    private final Map<String, int[]> changes = new TreeMap<>();
    private final List<String> notes = new ArrayList<>();

    /** Per-Deployment change counters of one instant, for the churn mark. */
    private static final int STARTED = 0;
    private static final int READY = 1;
    private static final int UNREADY = 2;
    private static final int TERMINATING = 3;
    private static final int REMOVED = 4;
    private static final String[] CHANGE_WORDS = {"started", "ready", "not ready", "terminating", "removed"};

    ClusterState(final int nodes, final long seed)
    {
        this.nodes = nodes;
        this.down = new boolean[nodes + 1];
        this.nextSerial = new int[nodes + 1];
        this.random = new SplittableRandom(seed);
        this.placementOffset = random.nextInt(nodes);
    }

    List<ServiceSpec> declared()
    {
        return declared;
    }

    Iterable<Deployment> deployments()
    {
        return deployments.values();
    }

    /** Finds a live Deployment by "namespace/name" or, when unambiguous, by name alone. */
    Deployment find(final String service)
    {
        final Deployment exact = deployments.get(service);
        if (exact != null && !exact.removed)
        {
            return exact;
        }
        Deployment found = null;
        for (final Deployment d : deployments.values())
        {
            if (!d.removed && d.shape.name().equals(service))
            {
                if (found != null)
                {
                    throw new IllegalArgumentException("Service name '" + service +
                        "' is ambiguous; use namespace/name");
                }
                found = d;
            }
        }
        if (found == null)
        {
            throw new IllegalArgumentException("no Service '" + service + "' exists at that time");
        }
        return found;
    }

    /** Creates a Service and its Deployment (pods are created by the caller). */
    Deployment addService(final ServiceShape shape, final boolean announce)
    {
        final Deployment previous = deployments.get(shape.key());
        if (previous != null && !previous.removed)
        {
            throw new IllegalArgumentException("Service " + shape.key() + " exists already");
        }
        final Deployment d = new Deployment(shape, declared.size());
        final ServiceSpec spec = ClusterGenerator.service(shape, d.index);
        declared.add(spec);
        deployments.put(shape.key(), d);
        if (announce)
        {
            serviceEvents.add(ChurnEvent.of(0, ChurnEvent.Type.ADDED, spec));
            notes.add("Service " + shape.key() + " added");
        }
        dirty.add(d.key());
        return d;
    }

    /** Deletes a Service: its slices go at the next flush, then the Service itself. */
    void removeService(final Deployment d)
    {
        d.removed = true;
        d.pods.clear();
        d.slices.clear();
        notes.add("Service " + d.key() + " removed");
        dirty.add(d.key());
    }

    boolean nodeDown(final int node)
    {
        return down[node];
    }

    void failNode(final int node)
    {
        if (node > nodes)
        {
            throw new IllegalArgumentException("node " + node + " does not exist (the cluster has " + nodes + ")");
        }
        down[node] = true;
    }

    /** @return pods on {@code node}, in Deployment and creation order. */
    List<Pod> podsOn(final int node)
    {
        final List<Pod> out = new ArrayList<>();
        for (final Deployment d : deployments.values())
        {
            for (final Pod p : d.pods)
            {
                if (p.node == node)
                {
                    out.add(p);
                }
            }
        }
        return out;
    }

    /**
     * Creates a pod on the node with the fewest pods that is up ({@code preferred} first when it is up), or
     * returns null when every node is down.
     */
    Pod createPod(final Deployment d, final Pod.Phase phase, final int preferred)
    {
        final int node = preferred > 0 && !down[preferred] ? preferred : leastLoadedNode();
        if (node == 0)
        {
            return null;
        }
        nextSerial[node] = nextSerial[node] % ClusterGenerator.PODS_PER_NODE + 1;
        final int serial = nextSerial[node];
        final String name = d.shape.name() + "-r" + d.revision + "-" + (++d.podSerial);
        final Pod pod = new Pod(name, node, d.shape.ipv4() ? ClusterGenerator.podIpv4(node, serial) : null,
            d.shape.ipv6() ? ClusterGenerator.podIpv6(node, serial) : null, d.revision, phase);
        d.place(pod);
        count(d, phase == Pod.Phase.READY ? READY : STARTED);
        return pod;
    }

    private int leastLoadedNode()
    {
        final int[] load = new int[nodes + 1];
        for (final Deployment d : deployments.values())
        {
            for (final Pod p : d.pods)
            {
                load[p.node]++;
            }
        }
        int best = 0;
        for (int i = 0; i < nodes; i++)
        {
            final int node = (placementOffset + i) % nodes + 1;
            if (!down[node] && (best == 0 || load[node] < load[best]))
            {
                best = node;
            }
        }
        return best;
    }

    void setPhase(final Deployment d, final Pod pod, final Pod.Phase phase)
    {
        if (phase == Pod.Phase.TERMINATING)
        {
            pod.servingWhileTerminating = pod.phase == Pod.Phase.READY;
        }
        pod.phase = phase;
        count(d, phase == Pod.Phase.READY ? READY : phase == Pod.Phase.UNREADY ? UNREADY : TERMINATING);
    }

    void removePod(final Deployment d, final Pod pod)
    {
        d.unplace(pod);
        count(d, REMOVED);
    }

    void note(final String text)
    {
        notes.add(text);
    }

    private void count(final Deployment d, final int what)
    {
        changes.computeIfAbsent(d.key(), k -> new int[CHANGE_WORDS.length])[what]++;
        dirty.add(d.key());
    }

    /**
     * The watch events of everything changed since the last flush, stamped {@code atSeconds}: Service additions,
     * then the slices that differ from what was last sent (ADDED, MODIFIED or DELETED, in slice name order), then
     * Service deletions.
     */
    List<ChurnEvent> flush(final double atSeconds)
    {
        final List<ChurnEvent> out = new ArrayList<>();
        for (final ChurnEvent e : serviceEvents)
        {
            out.add(ChurnEvent.of(atSeconds, ChurnEvent.Type.ADDED, e.service()));
        }
        serviceEvents.clear();
        final List<ChurnEvent> deletions = new ArrayList<>();
        for (final String key : dirty)
        {
            final Deployment d = deployments.get(key);
            final Map<String, EndpointSliceSpec> now = slicesOf(d);
            final Map<String, EndpointSliceSpec> before = sent.computeIfAbsent(key, k -> new TreeMap<>());
            for (final EndpointSliceSpec gone : new ArrayList<>(before.values()))
            {
                if (!now.containsKey(gone.key()))
                {
                    out.add(ChurnEvent.deleted(atSeconds, ChurnEvent.Kind.ENDPOINT_SLICE, gone.namespace(),
                        gone.name()));
                    before.remove(gone.key());
                }
            }
            for (final Map.Entry<String, EndpointSliceSpec> e : now.entrySet())
            {
                final EndpointSliceSpec previous = before.put(e.getKey(), e.getValue());
                if (!e.getValue().equals(previous))
                {
                    final ChurnEvent.Type type = previous == null ? ChurnEvent.Type.ADDED : ChurnEvent.Type.MODIFIED;
                    out.add(ChurnEvent.of(atSeconds, type, e.getValue()));
                }
            }
            if (d.removed)
            {
                deletions.add(ChurnEvent.deleted(atSeconds, ChurnEvent.Kind.SERVICE, d.shape.namespace(),
                    d.shape.name()));
            }
        }
        dirty.clear();
        out.addAll(deletions);
        return out;
    }

    /** @return true when something happened since the last {@link #describeAndReset}. */
    boolean changed()
    {
        return !notes.isEmpty() || !changes.isEmpty();
    }

    /** What changed since the last call, for a person; clears the record. Empty when nothing did. */
    String describeAndReset()
    {
        final List<String> parts = new ArrayList<>(notes);
        for (final Map.Entry<String, int[]> e : changes.entrySet())
        {
            final List<String> words = new ArrayList<>();
            for (int i = 0; i < CHANGE_WORDS.length; i++)
            {
                if (e.getValue()[i] > 0)
                {
                    words.add(e.getValue()[i] + " " + CHANGE_WORDS[i]);
                }
            }
            if (!words.isEmpty())
            {
                parts.add(e.getKey() + ": " + String.join(", ", words));
            }
        }
        notes.clear();
        changes.clear();
        return String.join("; ", parts);
    }

    /** Current slices of a Deployment by "namespace/name", empty once its Service is removed. */
    Map<String, EndpointSliceSpec> slicesOf(final Deployment d)
    {
        final Map<String, EndpointSliceSpec> out = new LinkedHashMap<>();
        if (d.removed)
        {
            return out;
        }
        for (final boolean ipv6 : new boolean[] {false, true})
        {
            if (ipv6 ? !d.shape.ipv6() : !d.shape.ipv4())
            {
                continue;
            }
            for (final Deployment.SliceBook book : d.slices)
            {
                final List<EndpointSpec> endpoints = new ArrayList<>();
                for (final String podName : book.pods)
                {
                    endpoints.add(endpoint(d.pod(podName), ipv6, d.shape.trafficDistribution()));
                }
                final String name = d.shape.name() + "-ipv" + (ipv6 ? 6 : 4) + "-" + book.number;
                final EndpointSliceSpec slice = new EndpointSliceSpec(d.shape.namespace(), name, d.shape.name(), ipv6,
                    ClusterGenerator.endpointPorts(d.shape), endpoints);
                out.put(slice.key(), slice);
            }
        }
        return out;
    }

    /**
     * The pod's endpoint as the EndpointSlice controller writes it; with a traffic distribution, a ready endpoint
     * carries its own zone as zone hint, and for {@code PreferSameNode} its node as node hint
     * ({@code trafficdist.go} {@code preferCloseHeuristic}); endpoints that are not ready get none.
     */
    private static EndpointSpec endpoint(final Pod pod, final boolean ipv6, final String distribution)
    {
        final String address = ipv6 ? pod.ipv6 : pod.ipv4;
        final String node = ClusterGenerator.nodeName(pod.node);
        final String zone = ClusterGenerator.zone(pod.node);
        switch (pod.phase)
        {
            case READY: return new EndpointSpec(List.of(address), true, true, false, node, zone,
                distribution == null ? Set.of() : Set.of(zone),
                "PreferSameNode".equals(distribution) ? Set.of(node) : Set.of());
            case TERMINATING:
                return new EndpointSpec(List.of(address), false, pod.servingWhileTerminating, true, node, zone);
            default: return new EndpointSpec(List.of(address), false, false, false, node, zone);
        }
    }
}
