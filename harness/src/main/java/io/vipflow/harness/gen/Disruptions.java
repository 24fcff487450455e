package io.vipflow.harness.gen;

import java.util.ArrayList;
import java.util.List;

/**
 * The churn that is not a Deployment's own doing: crash loops (the kubelet restarts a failing pod; here the pod
 * is replaced with a new address after each back-off) and node failures (the node lifecycle controller marks the
 * node's pods not ready, then they are deleted and the Deployments replace them elsewhere).
 * <p>
 * Thread contract: confined to its {@link ChurnGenerator}'s thread.
 */
final class Disruptions
{
    /** CrashLoopBackOff: 10 s doubling up to 5 minutes. */
    private static final long[] BACKOFF_SECONDS = {10, 20, 40, 80, 160, 300};

    private final ChurnGenerator gen;

    Disruptions(final ChurnGenerator gen)
    {
        this.gen = gen;
    }

    void startCrashLoop(final Deployment d, final ChurnAction.CrashLoop c)
    {
        final List<Pod> ready = new ArrayList<>();
        for (final Pod p : d.pods)
        {
            if (p.phase == Pod.Phase.READY)
            {
                ready.add(p);
            }
        }
        final int n = Math.min(c.pods(), ready.size());
        gen.state.note("crash loop in " + d.key() + ": " + n + " pod(s), " + c.restarts() + " restart(s) each");
        for (int i = 0; i < n; i++)
        {
            final Pod pod = ready.remove(gen.state.random.nextInt(ready.size()));
            pod.restartsLeft = c.restarts();
            pod.uptimeSeconds = c.uptimeSeconds();
            crash(d, pod);
        }
    }

    /** The container dies: not ready while it backs off, then the pod is replaced by one with a new address. */
    void crash(final Deployment d, final Pod pod)
    {
        if (d.removed || pod.phase != Pod.Phase.READY || !d.pods.contains(pod))
        {
            return;
        }
        gen.state.setPhase(d, pod, Pod.Phase.UNREADY);
        final long backoff =
            BACKOFF_SECONDS[Math.min(pod.backoffStep, BACKOFF_SECONDS.length - 1)] * ChurnGenerator.SECOND;
        gen.at(gen.now() + backoff, () ->
        {
            if (d.removed || pod.phase != Pod.Phase.UNREADY || !d.pods.contains(pod))
            {
                return;
            }
            gen.state.removePod(d, pod);
            final Pod next = gen.startPod(d, pod.node);
            if (next != null)
            {
                next.restartsLeft = pod.restartsLeft - 1;
                next.uptimeSeconds = pod.uptimeSeconds;
                next.backoffStep = pod.backoffStep + 1;
            }
        });
    }

    void failNode(final ChurnAction.NodeFailure n)
    {
        gen.state.failNode(n.node());
        final List<Pod> pods = gen.state.podsOn(n.node());
        gen.state.note("node " + ClusterGenerator.nodeName(n.node()) + " failed with " + pods.size() + " pod(s)");
        if (n.notReadySeconds() > 0)
        {
            for (final Deployment d : gen.state.deployments())
            {
                for (final Pod p : d.pods)
                {
                    if (p.node == n.node() && p.live())
                    {
                        gen.state.setPhase(d, p, Pod.Phase.UNREADY);
                    }
                }
            }
            gen.at(gen.now() + Math.round(n.notReadySeconds() * 1e3) * ChurnGenerator.MILLI, () -> evict(n.node()));
        }
        else
        {
            evict(n.node());
        }
    }

    /** Every pod of the node leaves its slices in the same instant; Deployments replace them elsewhere. */
    private void evict(final int node)
    {
        for (final Deployment d : gen.state.deployments())
        {
            boolean changed = false;
            for (final Pod p : new ArrayList<>(d.pods))
            {
                if (p.node == node)
                {
                    gen.state.removePod(d, p);
                    changed = true;
                }
            }
            if (changed)
            {
                gen.reconcile(d);
            }
        }
    }
}
