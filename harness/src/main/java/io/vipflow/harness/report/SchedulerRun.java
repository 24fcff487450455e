package io.vipflow.harness.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one scheduler did with one scenario: counts, oracle findings and the series the report draws.
 * <p>
 * Thread contract: immutable except the arrays, which the producer fills before construction and nobody writes
 * afterwards (records cannot freeze arrays; readers must not modify them).
 *
 * @param scheduler                   scheduler name as given on the command line ("maglev", "rr").
 * @param packets                     packets classified.
 * @param packetsPerSecond            end-to-end wall-clock throughput, packets per second.
 * @param flows                       distinct flows seen.
 * @param brokenFlows                 flows whose later packet was dropped or sent to another backend.
 * @param brokenUnavoidable           broken flows whose backend had been removed from the slices.
 * @param brokenByScheduler           broken flows whose backend was still present (the scheduler moved them).
 * @param imbalanceMaxOverMean        new flows of the busiest backend over the mean per backend; 1 is perfect.
 * @param p99NewFlowNanos             99th percentile of the wall-clock cost of classifying a flow's first packet,
 *                                    nanoseconds.
 * @param oracleViolations            decisions that disagreed with the reference model.
 * @param violationsByKind            violation counts by kind, in a stable order.
 * @param firstViolations             the first few violations, described for a person.
 * @param backends                    backend labels ("10.0.1.7:8080"), the column order of the series.
 * @param bucketNanos                 simulated width of one bucket of the series, nanoseconds.
 * @param newFlowsPerBackendPerBucket new flows per backend: index bucket, then backend (parallel to
 *                                    {@code backends}).
 * @param brokenPerChurnMark          broken flows attributed to each churn mark of the run (parallel to
 *                                    {@link RunReport#churn()}).
 * @param verdicts                    decision counts by verdict (NEW, EXISTING, DROP, ...), in a stable order.
 * @param sync                        connection sync figures of a synced fleet run, null otherwise.
 */
public record SchedulerRun(
    String scheduler,
    long packets,
    double packetsPerSecond,
    long flows,
    long brokenFlows,
    long brokenUnavoidable,
    long brokenByScheduler,
    double imbalanceMaxOverMean,
    double p99NewFlowNanos,
    long oracleViolations,
    Map<String, Long> violationsByKind,
    List<String> firstViolations,
    List<String> backends,
    long bucketNanos,
    List<long[]> newFlowsPerBackendPerBucket,
    long[] brokenPerChurnMark,
    Map<String, Long> verdicts,
    SyncRun sync)
{
    /** A run without connection sync. */
    public SchedulerRun(final String scheduler, final long packets, final double packetsPerSecond, final long flows,
        final long brokenFlows, final long brokenUnavoidable, final long brokenByScheduler,
        final double imbalanceMaxOverMean, final double p99NewFlowNanos, final long oracleViolations,
        final Map<String, Long> violationsByKind, final List<String> firstViolations, final List<String> backends,
        final long bucketNanos, final List<long[]> newFlowsPerBackendPerBucket, final long[] brokenPerChurnMark,
        final Map<String, Long> verdicts)
    {
        this(scheduler, packets, packetsPerSecond, flows, brokenFlows, brokenUnavoidable, brokenByScheduler,
            imbalanceMaxOverMean, p99NewFlowNanos, oracleViolations, violationsByKind, firstViolations, backends,
            bucketNanos, newFlowsPerBackendPerBucket, brokenPerChurnMark, verdicts, null);
    }

    /** The same run with its sync figures. */
    public SchedulerRun withSync(final SyncRun figures)
    {
        return new SchedulerRun(scheduler, packets, packetsPerSecond, flows, brokenFlows, brokenUnavoidable,
            brokenByScheduler, imbalanceMaxOverMean, p99NewFlowNanos, oracleViolations, violationsByKind,
            firstViolations, backends, bucketNanos, newFlowsPerBackendPerBucket, brokenPerChurnMark, verdicts,
            figures);
    }

    public SchedulerRun
    {
        Objects.requireNonNull(scheduler, "scheduler");
        violationsByKind = orderedCopy(violationsByKind);
        firstViolations = List.copyOf(firstViolations);
        backends = List.copyOf(backends);
        newFlowsPerBackendPerBucket = List.copyOf(newFlowsPerBackendPerBucket);
        Objects.requireNonNull(brokenPerChurnMark, "brokenPerChurnMark");
        verdicts = orderedCopy(verdicts);
    }

    /** Keeps the producer's order: reports and summaries must be byte-identical for the same seed. */
    static Map<String, Long> orderedCopy(final Map<String, Long> map)
    {
        return Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(map)));
    }
}
