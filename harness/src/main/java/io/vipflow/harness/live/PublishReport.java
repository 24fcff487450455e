package io.vipflow.harness.live;

/**
 * One snapshot published by a {@link LiveControlPlane}, with the time the changes in it waited.
 * <p>
 * Thread contract: immutable.
 *
 * @param generation    the published snapshot's generation.
 * @param changes       watch events applied since the previous publish (rejected ones not counted), ≥ 1.
 * @param services      Services held after the publish.
 * @param slices        EndpointSlices held after the publish.
 * @param oldestNanos   time from the receipt of the oldest change in the snapshot to the end of the publish,
 *                      nanoseconds: the watch's worst reaction time for this snapshot.
 * @param newestNanos   the same for the newest change, nanoseconds.
 */
public record PublishReport(long generation, int changes, int services, int slices, long oldestNanos,
    long newestNanos)
{
}
