package io.vipflow.harness.replay;

import io.vipflow.harness.k8s.ClusterObjects;
import io.vipflow.sched.Schedulers;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.ServiceSpec;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Refuses, before anything is built, a cluster whose scheduler lookup tables cannot fit in the heap: a Maglev
 * {@code table-size} or an {@code mh} size given to thousands of Services costs the table per Service port however
 * few backends each has, and would otherwise end in an {@link OutOfMemoryError} half way through a publish.
 * Tables may take at most half of the heap ({@link #SHARE}); the rest holds the remaining compiled state (about
 * 1.2 KiB an endpoint), the connection table's bookkeeping and the run itself. Control-plane thread only.
 */
public final class TableBudget
{
    /** Share of the maximum heap the scheduler tables of all instances together may take. */
    static final double SHARE = 0.5;

    private TableBudget()
    {
    }

    /**
     * Bytes of the scheduler tables one control plane builds for the cluster: per Service port and address family,
     * {@link Schedulers#tableBytes} of the Service's scheduler (or the default) for its endpoint count.
     */
    public static long bytes(final ClusterObjects cluster, final String defaultScheduler)
    {
        final Map<String, Integer> endpoints = new HashMap<>();
        for (final EndpointSliceSpec slice : cluster.slices())
        {
            endpoints.merge(slice.serviceKey(), slice.endpoints().size(), Integer::sum);
        }
        long total = 0;
        for (final ServiceSpec s : cluster.services())
        {
            final boolean own = s.scheduler() != null;
            final long perPort = Schedulers.tableBytes(own ? s.scheduler() : defaultScheduler,
                own ? s.schedulerFlags() : null, endpoints.getOrDefault(s.namespace() + "/" + s.name(), 0));
            total += perPort * s.ports().size() * Math.max(1, s.clusterIps().size());
        }
        return total;
    }

    /**
     * @param source    the file or option the cluster came from, named in the message
     * @param instances control planes that each build the tables (a fleet's instances)
     * @param maxHeap   the heap's limit ({@link Runtime#maxMemory()})
     * @throws IllegalArgumentException naming the source, the need, the limit and both ways out, when the tables
     *                                  would take more than {@link #SHARE} of {@code maxHeap}
     */
    public static void require(final String source, final ClusterObjects cluster, final String defaultScheduler,
        final int instances, final long maxHeap)
    {
        final long need = bytes(cluster, defaultScheduler) * instances;
        if (need > SHARE * maxHeap)
        {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                "%s: the scheduler tables of %,d Services%s need %s, more than half of the %s heap; give them " +
                "fewer slots (the vipflow.io/scheduler-flags table-size, or a scheduler whose table follows the " +
                "backend count, such as maglev without table-size) or the JVM more heap (java -Xmx%dg ...)",
                source, cluster.services().size(), instances > 1 ? " on " + instances + " instances" : "",
                gib(need), gib(maxHeap), (long)Math.ceil(need / SHARE / (1L << 30)) + 1));
        }
    }

    private static String gib(final long bytes)
    {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double)(1L << 30));
    }
}
