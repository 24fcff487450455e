package io.vipflow.harness.gen;

import io.vipflow.testkit.ChurnEvent;
import io.vipflow.harness.k8s.ClusterObjects;
import io.vipflow.harness.report.ChurnMark;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.ServiceSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Turns a churn script into the Service and EndpointSlice changes the API server would send, by playing the
 * controllers involved as a discrete-event simulation: the Deployment controller (rolling updates with maxSurge
 * and maxUnavailable, scaling), the kubelet (readiness after a delay, graceful termination during which the
 * endpoint is serving-and-terminating, crash loops with back-off), the node lifecycle controller (a failed node's
 * pods go not-ready, then are removed and replaced elsewhere) and the EndpointSlice controller (slices of up to
 * 100 endpoints, rewritten only when their content changes).
 * <p>
 * Deterministic: the same shape, script, seed and duration give the same events, byte for byte. Times are
 * rounded to the millisecond.
 * <p>
 * Thread contract: one instance per generation, confined to the calling thread; {@link #generate} is safe from
 * any thread.
 */
public final class ChurnGenerator
{
    static final long MILLI = 1_000_000L;
    static final long SECOND = 1_000_000_000L;
    /** Changes within this time of the first one are described by one churn mark, so a report stays readable. */
    private static final long MARK_WINDOW_NANOS = SECOND;

    final ClusterState state;
    private final Disruptions disruptions = new Disruptions(this);
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private long timerSeq;
    /** Time of the timer running now, nanoseconds. */
    private long currentNanos;

    private record Timer(long atNanos, long seq, Runnable action) implements Comparable<Timer>
    {
        @Override
        public int compareTo(final Timer o)
        {
            final int byTime = Long.compare(atNanos, o.atNanos);
            return byTime != 0 ? byTime : Long.compare(seq, o.seq);
        }
    }

    private ChurnGenerator(final ClusterShape shape, final long seed)
    {
        this.state = new ClusterState(shape.nodes(), seed);
    }

    /**
     * @param shape           the cluster at time 0.
     * @param script          actions, in any order.
     * @param seed            seed of every random choice (pod placement ties, readiness and drain times).
     * @param durationSeconds changes after this time are not generated.
     * @return the initial objects, the timed events and one churn mark per instant with a change.
     * @throws IllegalArgumentException when an action names a Service or node that does not exist at its time,
     *                                  or asks for a rollout with maxSurge and maxUnavailable both 0.
     */
    public static GeneratedCluster generate(final ClusterShape shape, final List<ChurnAction> script, final long seed,
        final double durationSeconds)
    {
        return new ChurnGenerator(shape, seed).run(shape, script, Math.round(durationSeconds * 1e9));
    }

    private GeneratedCluster run(final ClusterShape shape, final List<ChurnAction> script, final long endNanos)
    {
        final List<ServiceSpec> initialServices = new ArrayList<>();
        for (final ServiceShape s : shape.services())
        {
            final Deployment d = state.addService(s, false);
            initialServices.add(state.declared().get(d.index));
            for (int i = 0; i < d.replicas; i++)
            {
                state.createPod(d, Pod.Phase.READY, 0);
            }
        }
        final List<EndpointSliceSpec> initialSlices = new ArrayList<>();
        for (final ChurnEvent e : state.flush(0))
        {
            initialSlices.add(e.slice());
        }
        state.describeAndReset();
        for (final ChurnAction action : script)
        {
            schedule(Math.round(action.atSeconds() * 1e3) * MILLI, () -> start(action));
        }
        final List<ChurnEvent> events = new ArrayList<>();
        final List<ChurnMark> marks = new ArrayList<>();
        long markOpen = -1;
        while (!timers.isEmpty() && timers.peek().atNanos <= endNanos)
        {
            final long now = timers.peek().atNanos;
            if (markOpen >= 0 && now - markOpen >= MARK_WINDOW_NANOS)
            {
                marks.add(new ChurnMark(markOpen, state.describeAndReset()));
                markOpen = -1;
            }
            while (!timers.isEmpty() && timers.peek().atNanos == now)
            {
                timers.poll().action.run();
            }
            final List<ChurnEvent> batch = state.flush(now / 1e9);
            events.addAll(batch);
            if (markOpen < 0 && state.changed())
            {
                markOpen = now;
            }
        }
        if (markOpen >= 0)
        {
            marks.add(new ChurnMark(markOpen, state.describeAndReset()));
        }
        return new GeneratedCluster(new ClusterObjects(initialServices, initialSlices, 0), events, marks,
            state.declared());
    }

    private void schedule(final long atNanos, final Runnable action)
    {
        timers.add(new Timer(atNanos, timerSeq++, action));
    }

    long now()
    {
        return currentNanos;
    }

    void at(final long atNanos, final Runnable action)
    {
        schedule(atNanos, () ->
        {
            currentNanos = atNanos;
            action.run();
        });
    }

    private void start(final ChurnAction action)
    {
        currentNanos = Math.round(action.atSeconds() * 1e3) * MILLI;
        if (action instanceof ChurnAction.RollingUpdate r)
        {
            final Deployment d = state.find(r.service());
            d.surge = r.maxSurge().resolve(d.replicas, true);
            d.unavailable = r.maxUnavailable().resolve(d.replicas, false);
            if (d.surge == 0 && d.unavailable == 0)
            {
                throw new IllegalArgumentException("rolling update of " + d.key() +
                    ": maxSurge and maxUnavailable may not both be 0");
            }
            d.revision++;
            d.rolling = true;
            state.note("rolling update of " + d.key() + " to revision " + d.revision + " (maxSurge " + d.surge +
                ", maxUnavailable " + d.unavailable + ")");
            reconcile(d);
        }
        else if (action instanceof ChurnAction.Scale s)
        {
            final Deployment d = state.find(s.service());
            state.note("scale " + d.key() + " from " + d.replicas + " to " + s.replicas());
            d.replicas = s.replicas();
            reconcile(d);
        }
        else if (action instanceof ChurnAction.CrashLoop c)
        {
            disruptions.startCrashLoop(state.find(c.service()), c);
        }
        else if (action instanceof ChurnAction.NodeFailure n)
        {
            disruptions.failNode(n);
        }
        else if (action instanceof ChurnAction.AddService a)
        {
            final Deployment d = state.addService(a.service(), true);
            reconcile(d);
        }
        else if (action instanceof ChurnAction.RemoveService r)
        {
            state.removeService(state.find(r.service()));
        }
    }

    /**
     * The Deployment controller's sync: without old pods it keeps {@code replicas} live pods; during a rollout it
     * scales the new revision up within maxSurge and the old one down within maxUnavailable
     * ({@code reconcileNewReplicaSet}, {@code reconcileOldReplicaSets}: unhealthy old pods first, then ready ones
     * while more than {@code replicas - maxUnavailable} pods stay ready).
     */
    void reconcile(final Deployment d)
    {
        // The controller syncs again after each change it makes (a scaled-down old ReplicaSet lets the new one
        // grow), until nothing more can be done now.
        while (reconcileOnce(d))
        {
            // keep syncing
        }
    }

    /** @return true when pods were started or deleted. */
    private boolean reconcileOnce(final Deployment d)
    {
        if (d.removed)
        {
            return false;
        }
        final List<Pod> fresh = live(d, true);
        final List<Pod> old = live(d, false);
        if (old.isEmpty())
        {
            boolean changed = false;
            for (int i = fresh.size(); i < d.replicas; i++)
            {
                changed |= startPod(d, 0) != null;
            }
            for (int i = fresh.size(); i > d.replicas; i--)
            {
                terminate(d, scaleDownVictim(fresh));
                changed = true;
            }
            if (d.rolling && d.count(Pod.Phase.READY) == d.replicas && live(d, true).size() == d.replicas)
            {
                d.rolling = false;
                state.note("rolling update of " + d.key() + " complete");
            }
            return changed;
        }
        boolean changed = false;
        final int total = fresh.size() + old.size();
        final int up = Math.min(d.replicas + d.surge - total, d.replicas - fresh.size());
        for (int i = 0; i < up; i++)
        {
            changed |= startPod(d, 0) != null;
        }
        final List<Pod> freshNow = live(d, true);
        final int minAvailable = d.replicas - d.unavailable;
        int newUnavailable = 0;
        for (final Pod p : freshNow)
        {
            if (p.phase != Pod.Phase.READY)
            {
                newUnavailable++;
            }
        }
        int maxScaledDown = freshNow.size() + old.size() - minAvailable - newUnavailable;
        for (final Pod p : old)
        {
            if (maxScaledDown > 0 && p.phase != Pod.Phase.READY)
            {
                terminate(d, p);
                maxScaledDown--;
                changed = true;
            }
        }
        if (maxScaledDown <= 0)
        {
            return changed;
        }
        int removable = d.count(Pod.Phase.READY) - minAvailable;
        for (final Pod p : old)
        {
            if (removable > 0 && p.phase == Pod.Phase.READY)
            {
                terminate(d, p);
                removable--;
                changed = true;
            }
        }
        return changed;
    }

    /** Live pods of the current revision ({@code current}) or of older ones, oldest first. */
    private static List<Pod> live(final Deployment d, final boolean current)
    {
        final List<Pod> out = new ArrayList<>();
        for (final Pod p : d.pods)
        {
            if (p.live() && (p.revision == d.revision) == current)
            {
                out.add(p);
            }
        }
        return out;
    }

    /** ReplicaSet scale-down order, simplified: not-ready pods before ready ones, newest first within each. */
    private static Pod scaleDownVictim(final List<Pod> pods)
    {
        Pod victim = pods.get(pods.size() - 1);
        for (final Pod p : pods)
        {
            if (p.phase != Pod.Phase.READY)
            {
                victim = p;
            }
        }
        pods.remove(victim);
        return victim;
    }

    Pod startPod(final Deployment d, final int preferredNode)
    {
        final Pod pod = state.createPod(d, Pod.Phase.STARTING, preferredNode);
        if (pod == null)
        {
            return null;
        }
        final long ready = now() + jittered(d.shape.readinessSeconds(), 0.8, 0.4);
        at(ready, () -> becomeReady(d, pod));
        return pod;
    }

    private void becomeReady(final Deployment d, final Pod pod)
    {
        if (d.removed || pod.phase != Pod.Phase.STARTING || !d.pods.contains(pod))
        {
            return;
        }
        state.setPhase(d, pod, Pod.Phase.READY);
        if (pod.restartsLeft > 0)
        {
            at(now() + Math.round(pod.uptimeSeconds * 1e3) * MILLI, () -> disruptions.crash(d, pod));
        }
        reconcile(d);
    }

    /** Deletion: serving-and-terminating for the drain time (within the grace period), then gone. */
    private void terminate(final Deployment d, final Pod pod)
    {
        state.setPhase(d, pod, Pod.Phase.TERMINATING);
        at(now() + jittered(d.shape.terminationGraceSeconds(), 0.8, 0.2), () ->
        {
            if (!d.removed && d.pods.contains(pod))
            {
                state.removePod(d, pod);
            }
        });
    }

    /** {@code seconds} scaled by a factor drawn from [lo, lo + width), in whole milliseconds. */
    private long jittered(final double seconds, final double lo, final double width)
    {
        return Math.round(seconds * 1e3 * (lo + width * state.random.nextDouble())) * MILLI;
    }
}
