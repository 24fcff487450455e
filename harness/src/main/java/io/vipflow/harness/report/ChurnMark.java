package io.vipflow.harness.report;

import java.util.Objects;

/**
 * A change of the cluster during a run, placed on the report's time axis.
 * <p>
 * Thread contract: immutable.
 *
 * @param atNanos     simulated nanoseconds after the start of the run, ≥ 0.
 * @param description what changed, for a person ("rollout web: pod web-7 terminating").
 */
public record ChurnMark(long atNanos, String description)
{
    public ChurnMark
    {
        if (atNanos < 0)
        {
            throw new IllegalArgumentException("atNanos " + atNanos + " < 0");
        }
        Objects.requireNonNull(description, "description");
    }
}
