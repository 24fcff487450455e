package io.vipflow.harness.sim;

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
 * Imbalance is measured per epoch, the time between two cluster changes, when every pool's usable backends stay
 * the same: for each Service port (per family) the busiest backend's new flows over the mean per usable backend.
 * Epochs are weighted by their new flows, and only pools that received at least {@value #MIN_PER_BACKEND} new flows
 * per usable backend count (fewer is mostly sampling noise); when none did, every pool with at least one per
 * backend counts. 1.0 is a perfect spread.
 * <p>
 * Thread contract: confined to the collector thread; {@link #startEpoch} and {@link #endEpoch} are called while
 * the replay is drained.
 */
final class LoadTracker
{
    static final int MIN_PER_BACKEND = 5;

    private final BackendLabels labels;
    private final long bucketNanos;
    private final long[][] buckets;
    private long[] epoch = new long[64];
    private final Map<String, Integer> usable = new HashMap<>();
    private double weighted;
    private double weight;
    private double weightedLoose;
    private double weightLoose;

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
            row = row == null ? new long[Math.max(64, label + 1)] : Arrays.copyOf(row, Math.max(label + 1, row.length * 2));
            buckets[b] = row;
        }
        row[label]++;
    }

    /** Records how many backends of each pool may take new flows from now on. */
    void startEpoch(final Snapshot reference)
    {
        usable.clear();
        for (final ServicePort sp : reference.servicePorts())
        {
            usable.merge(BackendLabels.key(sp), sp.clusterSet.size(), Integer::sum);
        }
    }

    void endEpoch()
    {
        final Map<String, long[]> pools = new TreeMap<>();
        for (int label = 0; label < labels.size() && label < epoch.length; label++)
        {
            if (epoch[label] > 0)
            {
                final long[] p = pools.computeIfAbsent(labels.servicePort(label), k -> new long[2]);
                p[0] += epoch[label];
                p[1] = Math.max(p[1], epoch[label]);
            }
        }
        for (final Map.Entry<String, long[]> e : pools.entrySet())
        {
            final int n = usable.getOrDefault(e.getKey(), 0);
            final long total = e.getValue()[0];
            if (n == 0 || total < n)
            {
                continue;
            }
            final double ratio = e.getValue()[1] / ((double)total / n);
            weightedLoose += ratio * total;
            weightLoose += total;
            if (total >= (long)MIN_PER_BACKEND * n)
            {
                weighted += ratio * total;
                weight += total;
            }
        }
        Arrays.fill(epoch, 0);
    }

    /** @return the imbalance (max over mean, ≥ 1), or 0 when no epoch had enough new flows to say. */
    double imbalance()
    {
        if (weight > 0)
        {
            return weighted / weight;
        }
        return weightLoose > 0 ? weightedLoose / weightLoose : 0;
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
