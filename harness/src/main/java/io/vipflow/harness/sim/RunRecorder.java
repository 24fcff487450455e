package io.vipflow.harness.sim;

import io.vipflow.Decision;
import io.vipflow.Reason;
import io.vipflow.Verdict;
import io.vipflow.testkit.oracle.OracleRun;
import io.vipflow.harness.replay.DecisionWriter;
import io.vipflow.harness.report.SchedulerRun;
import io.vipflow.service.Snapshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one scheduler's run measures, fed in packet order: verdict counts, broken flows, new flows per backend
 * and the new-flow cost, plus the decisions file when one is asked for (the oracle runs on the workers).
 * <p>
 * Thread contract: {@link #accept} runs on the replay's collector thread; {@link #startEpoch}, {@link #endEpoch}
 * and {@link #finish} run on the generator thread while the replay is drained (the replay's drain orders them
 * after every earlier {@link #accept}).
 */
final class RunRecorder implements PacketSink
{
    private static final int KINDS = Verdict.values().length * Reason.values().length * 2;

    private final DecisionWriter decisions;
    private final BackendLabels labels = new BackendLabels();
    private final LoadTracker load;
    private final FlowTracker flows;
    private final CostHistogram cost = new CostHistogram();
    private final long[] verdicts = new long[KINDS];
    private final long bucketNanos;
    private long packets;
    private long flowCount;

    /**
     * @param decisions   receives every decision, or null.
     * @param bucketNanos width of a bucket of the new-flow series.
     * @param buckets     number of buckets.
     * @param markNanos   times of the churn marks, ascending.
     */
    RunRecorder(final DecisionWriter decisions, final long bucketNanos, final int buckets, final List<Long> markNanos)
    {
        this.decisions = decisions;
        this.bucketNanos = bucketNanos;
        this.load = new LoadTracker(labels, bucketNanos, buckets);
        this.flows = new FlowTracker(labels, markNanos);
    }

    @Override
    public void accept(final Slot slot)
    {
        final Decision d = slot.decision;
        final long now = slot.meta.timeNanos;
        packets++;
        verdicts[(d.verdict().ordinal() * Reason.values().length + d.reason().ordinal()) * 2 + (d.newFlow() ? 1 : 0)]++;
        if (decisions != null)
        {
            try
            {
                decisions.write(slot.index, now, true, d);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }
        if (slot.meta.first)
        {
            flowCount++;
        }
        int label = -1;
        if (d.verdict() == Verdict.DNAT)
        {
            label = labels.of(d.backend(), d.servicePort());
            if (d.newFlow())
            {
                load.newFlow(label, now);
                if (slot.meta.first)
                {
                    cost.record(slot.costNanos);
                }
            }
        }
        flows.record(slot.meta.flowId, now, d, label);
    }

    void startEpoch(final Snapshot reference)
    {
        load.startEpoch(reference);
    }

    void endEpoch()
    {
        load.endEpoch();
    }

    long packets()
    {
        return packets;
    }

    /**
     * The run's figures.
     *
     * @param wallNanos wall-clock time of the whole replay.
     * @param oracle    what the oracle found, or null when it did not run.
     */
    SchedulerRun finish(final String scheduler, final long wallNanos, final OracleRun.Findings oracle)
    {
        final Map<String, Long> counts = new LinkedHashMap<>();
        for (final Verdict v : Verdict.values())
        {
            for (final Reason r : Reason.values())
            {
                for (int fresh = 1; fresh >= 0; fresh--)
                {
                    final long n = verdicts[(v.ordinal() * Reason.values().length + r.ordinal()) * 2 + fresh];
                    if (n > 0)
                    {
                        counts.put(v.name() + (r == Reason.NONE ? "" : " " + r.label) +
                            (v == Verdict.DNAT ? (fresh == 1 ? " new" : " established") : ""), n);
                    }
                }
            }
        }
        final long broken = flows.broken();
        return new SchedulerRun(scheduler, packets, wallNanos > 0 ? packets * 1e9 / wallNanos : 0, flowCount,
            broken, flows.unavoidable(), broken - flows.unavoidable(), load.imbalance(), cost.quantile(0.99),
            oracle == null ? 0 : oracle.violations(), oracle == null ? Map.of() : oracle.violationsByKind(),
            oracle == null ? List.of() : oracle.examples(), labels.names(), bucketNanos, load.series(),
            flows.brokenPerMark(), counts);
    }
}
