package io.vipflow.harness.gen;

/**
 * One generated pod: where it runs, its addresses and where it is in its life. Its EndpointSlice entry is derived
 * from {@link #phase} (see {@link ClusterState}).
 * <p>
 * Thread contract: confined to the generating thread.
 */
final class Pod
{
    /** Life of a pod as EndpointSlice conditions show it. */
    enum Phase
    {
        /** Listed, not ready, not serving: the readiness probe has not passed yet. */
        STARTING,
        /** Ready and serving. */
        READY,
        /** Listed, not ready, not serving, not terminating: crashed, or its node stopped reporting. */
        UNREADY,
        /** Deleted and draining: not ready, serving if it was ready, terminating. */
        TERMINATING
    }

    final String name;
    final int node;
    final String ipv4;
    final String ipv6;
    final int revision;
    Phase phase;
    boolean servingWhileTerminating;
    /** Crash-loop restarts still to come after this incarnation; 0 for a healthy pod. */
    int restartsLeft;
    /** Index into the back-off sequence for this pod's next crash. */
    int backoffStep;
    double uptimeSeconds;

    Pod(final String name, final int node, final String ipv4, final String ipv6, final int revision,
        final Phase phase)
    {
        this.name = name;
        this.node = node;
        this.ipv4 = ipv4;
        this.ipv6 = ipv6;
        this.revision = revision;
        this.phase = phase;
    }

    /** Counted by the Deployment controller: every pod that is not being deleted. */
    boolean live()
    {
        return phase != Phase.TERMINATING;
    }
}
