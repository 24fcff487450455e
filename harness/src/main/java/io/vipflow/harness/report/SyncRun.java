package io.vipflow.harness.report;

/**
 * What connection sync did in one scheduler's fleet run, beside the same run without sync.
 * <p>
 * Thread contract: immutable.
 *
 * @param brokenWithoutSync            broken flows of the same run without sync.
 * @param brokenBySchedulerWithoutSync of those, flows moved to another backend while theirs stayed listed.
 * @param inFlightAtChanges            flow changes not yet applied by every peer when a fleet change came; the
 *                                     simulation waited for them before making the change (their flows would be
 *                                     the ones at risk in a real failover).
 * @param dropped                      changes the data plane dropped because a sync ring was full.
 * @param lost                         changes a sender could not deliver to some peer.
 * @param lagP50Nanos                  median send-to-apply lag on the wall clock (slowest node), nanoseconds.
 * @param lagP99Nanos                  99th percentile of that lag, nanoseconds.
 */
public record SyncRun(long brokenWithoutSync, long brokenBySchedulerWithoutSync, long inFlightAtChanges,
    long dropped, long lost, long lagP50Nanos, long lagP99Nanos)
{
}
