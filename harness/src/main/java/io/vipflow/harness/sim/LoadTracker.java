package io.vipflow.harness.sim;

import io.vipflow.service.BackendSet;
import io.vipflow.service.ServicePort;
import io.vipflow.service.Snapshot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * New flows per backend, as a time series for the report and as a load-imbalance figure.
 * <p>
 * Imbalance compares what each backend got with its fair share. The run is cut into epochs, the times between two
 * cluster changes, during which every pool (a Service port in one address family) keeps the same usable backends;
 * within an epoch each usable backend's fair share is the pool's new flows divided by its usable backends. Summed
 * over the run, a backend's observed new flows over its expected ones is its load factor; a pool's imbalance is the
 * largest factor among backends expected at least {@value #MIN_EXPECTED} flows (fewer is mostly sampling noise),
 * and the run's figure is the pools' imbalance weighted by their new flows. 1.0 is a perfect spread; for a random
 * choice it shrinks towards 1 as flows grow.
 * <p>
 * Thread contract: {@link #newFlow} on the collector thread; {@link #startEpoch}, {@link #endEpoch},
 * {@link #imbalance} and {@link #series} on the generator thread while the replay is drained.
 */
final class LoadTracker
{
    static final int MIN_EXPECTED = 20;

    private final BackendLabels labels;
    private final long bucketNanos;
    private final long[][] buckets;
    private long[] epoch = new long[64];
    /** Usable backend names per pool during the current epoch. */
    private final Map<String, List<String>> usable = new HashMap<>();
    /** Per backend name: {observed, expected} new flows over the run. */
    private final Map<String, double[]> shares = new TreeMap<>();

    LoadTracker(final BackendLabels labels, final long bucketNanos, final int bucketCount)
    {
        this.labels = labels;
        this.bucketNanos = bucketNanos;
        this.buckets = new long[bucketCount][];
    }

    void newFlow(final int label, final long timeNanos)
    {
        if (label >= epoch.length)
        {
            epoch = Arrays.copyOf(epoch, Math.max(label + 1, epoch.length * 2));
        }
        epoch[label]++;
        final int b = (int)Math.min(buckets.length - 1, timeNanos / bucketNanos);
        long[] row = buckets[b];
        if (row == null || label >= row.length)
        {
            row = row == null ? new long[Math.max(64, label + 1)] :
                Arrays.copyOf(row, Math.max(label + 1, row.length * 2));
            buckets[b] = row;
        }
        row[label]++;
    }

    /** Records which backends of each pool may take new flows from now on. */
    void startEpoch(final Snapshot reference)
    {
        usable.clear();
        for (final ServicePort sp : reference.servicePorts())
        {
            final List<String> names = usable.computeIfAbsent(BackendLabels.key(sp), k -> new ArrayList<>());
            final BackendSet set = sp.clusterSet;
            for (int i = 0; i < set.size(); i++)
            {
                names.add(set.get(i).name);
            }
        }
    }

    void endEpoch()
    {
        final Map<String, Long> totals = new HashMap<>();
        for (int label = 0; label < labels.size() && label < epoch.length; label++)
        {
            if (epoch[label] > 0)
            {
                totals.merge(labels.servicePort(label), epoch[label], Long::sum);
                shares.computeIfAbsent(labels.name(label), k -> new double[2])[0] += epoch[label];
            }
        }
        for (final Map.Entry<String, Long> pool : totals.entrySet())
        {
            final List<String> names = usable.get(pool.getKey());
            if (names == null || names.isEmpty())
            {
                continue;
            }
            final double fair = pool.getValue() / (double)names.size();
            for (final String name : names)
            {
                shares.computeIfAbsent(name, k -> new double[2])[1] += fair;
            }
        }
        Arrays.fill(epoch, 0);
    }

    /** @return the imbalance (≥ 1 in practice), or 0 when no backend was expected enough flows to say. */
    double imbalance()
    {
        final Map<String, double[]> pools = new TreeMap<>();
        final Map<String, String> poolOf = new HashMap<>();
        for (int label = 0; label < labels.size(); label++)
        {
            poolOf.put(labels.name(label), labels.servicePort(label));
        }
        for (final Map.Entry<String, double[]> e : shares.entrySet())
        {
            final String pool = poolOf.get(e.getKey());
            final double[] s = e.getValue();
            if (pool == null || s[1] < MIN_EXPECTED)
            {
                continue;
            }
            final double[] p = pools.computeIfAbsent(pool, k -> new double[2]);
            p[0] = Math.max(p[0], s[0] / s[1]);
            p[1] += s[0];
        }
        double weighted = 0;
        double weight = 0;
        for (final double[] p : pools.values())
        {
            weighted += p[0] * p[1];
            weight += p[1];
        }
        return weight > 0 ? weighted / weight : 0;
    }

    /** @return new flows per bucket, then per backend label (every row as long as the label list). */
    List<long[]> series()
    {
        final List<long[]> out = new ArrayList<>(buckets.length);
        for (final long[] row : buckets)
        {
            out.add(row == null ? new long[labels.size()] : Arrays.copyOf(row, labels.size()));
        }
        return out;
    }
}
