package io.vipflow.harness.live;

import com.fasterxml.jackson.databind.JsonNode;
import io.vipflow.testkit.ChurnEvent;
import io.vipflow.harness.k8s.KubeObjectConverter;
import io.vipflow.harness.k8s.ObjectRejectedException;
import io.vipflow.harness.k8s.ServiceIpRules;
import io.vipflow.harness.replay.ClusterApplier;
import io.vipflow.service.ControlPlane;
import io.vipflow.service.Snapshot;
import org.agrona.collections.LongArrayList;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Applies watch events to a {@link ControlPlane} on one control-plane thread of its own and publishes coalesced
 * snapshots: the first change after a publish opens a window of {@code windowNanos}, every change received
 * until it closes goes into the same snapshot, and the snapshot is published when it closes. A burst of changes
 * thus costs one publish per window, and no change waits longer than the window plus the time to apply what is
 * queued before it.
 * <p>
 * Every change goes through {@link KubeObjectConverter}, the rules a churn file is read by; a change that breaks
 * one, or that the control plane refuses, is reported to the listener and dropped, so the object's last valid
 * version (or its absence) stays in force.
 * <p>
 * Thread contract: {@link #submit} may be called from any thread (the informers' threads); it only queues. The
 * {@link ControlPlane} and the listener are touched by the control-plane thread alone: the single-writer rule of
 * {@code ControlPlane} holds however many informers feed it. {@link #controlPlane()} may be handed to a
 * {@code Classifier}, whose threads read only its published snapshot.
 */
public final class LiveControlPlane implements AutoCloseable
{
    private final ControlPlane cp;
    // The API server enforces these; checked again so a refused change keeps the last valid state here too.
    private final ServiceIpRules ipRules = new ServiceIpRules();
    private final long windowNanos;
    private final WatchListener listener;
    private final ScheduledExecutorService thread;

    // Written and read by the control-plane thread only.
    private final LongArrayList pendingReceipts = new LongArrayList();
    private final LongArrayList reactions = new LongArrayList();
    private boolean publishScheduled;
    private boolean held;
    private long publishes;
    private long rejected;

    /**
     * @param cp          the control plane to feed; from now on only this object's thread may call its mutators.
     * @param windowNanos how long changes are gathered after the first one before a publish, nanoseconds, ≥ 0.
     * @param listener    told of each publish and each refused change, on the control-plane thread.
     */
    public LiveControlPlane(final ControlPlane cp, final long windowNanos, final WatchListener listener)
    {
        if (windowNanos < 0)
        {
            throw new IllegalArgumentException("window " + windowNanos + " ns < 0");
        }
        this.cp = Objects.requireNonNull(cp, "cp");
        this.windowNanos = windowNanos;
        this.listener = Objects.requireNonNull(listener, "listener");
        final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r ->
        {
            final Thread t = new Thread(r, "vipflow-control-plane");
            t.setDaemon(true);
            return t;
        });
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.thread = executor;
    }

    /**
     * The control plane fed by this object. Readers ({@code Classifier}, {@link ControlPlane#current()}) may use it
     * from any thread; its mutators belong to this object's thread.
     */
    public ControlPlane controlPlane()
    {
        return cp;
    }

    /**
     * @return the latest published snapshot. Any thread.
     */
    public Snapshot current()
    {
        return cp.current();
    }

    /**
     * Queues one watch event for the control-plane thread. Any thread; never blocks. Events from one informer
     * keep their order; events are silently dropped once {@link #close} has been called.
     *
     * @param type          ADDED, MODIFIED or DELETED.
     * @param object        the object as the API server serves it, not to be changed after this call.
     * @param receivedNanos {@link System#nanoTime()} when the event arrived, the start of its reaction time.
     */
    public void submit(final ChurnEvent.Type type, final JsonNode object, final long receivedNanos)
    {
        try
        {
            thread.execute(() -> apply(type, object, receivedNanos));
        }
        catch (final RejectedExecutionException ex)
        {
            // Closed: the watch is being torn down and nothing reads the state any more.
        }
    }

    /**
     * Queues a change of the node's zone label (the Node object changed). Any thread; never blocks. The change is
     * published as any other: every Service's cluster set follows the new zone.
     */
    public void nodeZone(final String zone, final long receivedNanos)
    {
        try
        {
            thread.execute(() ->
            {
                if (!cp.nodeNetwork().zone().equals(zone))
                {
                    cp.nodeNetwork(cp.nodeNetwork().withZone(zone));
                    changed(receivedNanos);
                }
            });
        }
        catch (final RejectedExecutionException ex)
        {
            // Closed: nothing reads the state any more.
        }
    }

    /**
     * Runs {@code task} on the control-plane thread and waits for it, for reading the state this thread owns.
     *
     * @return the task's result.
     */
    <T> T onControlPlaneThread(final Callable<T> task) throws Exception
    {
        return thread.submit(task).get();
    }

    /**
     * @return a copy of every change's reaction time (receipt to publish, nanoseconds), in publish order. Any
     * thread; waits for the control-plane thread.
     */
    public long[] reactionNanos() throws Exception
    {
        return onControlPlaneThread(reactions::toLongArray);
    }

    /**
     * @return publishes and refused changes so far: {@code {publishes, rejected}}. Any thread; waits for the
     * control-plane thread.
     */
    public long[] counts() throws Exception
    {
        return onControlPlaneThread(() -> new long[] {publishes, rejected});
    }

    private void apply(final ChurnEvent.Type type, final JsonNode object, final long receivedNanos)
    {
        final ChurnEvent event;
        try
        {
            event = KubeObjectConverter.convert(0, type, object);
        }
        catch (final ObjectRejectedException ex)
        {
            reject(type + " " + ex.getMessage());
            return;
        }
        if (event == null)
        {
            return;
        }
        try
        {
            ipRules.admit(event);
            ClusterApplier.apply(cp, event);
        }
        catch (final IllegalArgumentException ex)
        {
            // The control plane validates what the converter cannot know (a scheduler's table size, say).
            reject(type + " " + (event.kind() == ChurnEvent.Kind.SERVICE ? "Service " : "EndpointSlice ") +
                event.key() + ": " + ex.getMessage());
            return;
        }
        changed(receivedNanos);
    }

    /** A change applied: it joins the pending publish, or opens a window. */
    private void changed(final long receivedNanos)
    {
        pendingReceipts.addLong(receivedNanos);
        if (!publishScheduled && !held)
        {
            publishScheduled = true;
            thread.schedule(this::publish, windowNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void reject(final String message)
    {
        rejected++;
        listener.onRejected(message);
    }

    /**
     * Holds publishes until {@link #publishNow}: changes are applied but no window opens, so that a first list
     * that arrives in pieces (one informer after the other) is published as one snapshot. Any thread but the
     * control-plane thread; changes submitted after this call are held.
     */
    public void hold() throws Exception
    {
        onControlPlaneThread(() ->
        {
            held = true;
            return null;
        });
    }

    /**
     * Ends a {@link #hold} and publishes the changes applied so far at once, without waiting for the window;
     * returns when the snapshot is published. Any thread but the control-plane thread.
     */
    public void publishNow() throws Exception
    {
        onControlPlaneThread(() ->
        {
            held = false;
            publish();
            return null;
        });
    }

    private void publish()
    {
        publishScheduled = false;
        if (pendingReceipts.isEmpty())
        {
            // Published early by publishNow: the window's own publish has nothing left to do.
            return;
        }
        final Snapshot snapshot = cp.publish();
        final long now = System.nanoTime();
        publishes++;
        long oldest = 0;
        long newest = Long.MAX_VALUE;
        for (int i = 0; i < pendingReceipts.size(); i++)
        {
            final long reaction = now - pendingReceipts.getLong(i);
            reactions.addLong(reaction);
            oldest = Math.max(oldest, reaction);
            newest = Math.min(newest, reaction);
        }
        final int changes = pendingReceipts.size();
        pendingReceipts.clear();
        listener.onPublish(new PublishReport(snapshot.generation, changes, cp.services().size(), cp.slices().size(),
            oldest, newest));
    }

    /**
     * Stops the control-plane thread; queued changes and a pending publish are dropped. Any thread.
     */
    @Override
    public void close()
    {
        final ExecutorService executor = thread;
        executor.shutdownNow();
        try
        {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
