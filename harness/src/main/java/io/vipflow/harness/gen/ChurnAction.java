package io.vipflow.harness.gen;

import java.util.Objects;

/**
 * One step of a churn script: what the cluster's controllers are asked to do, and when. The
 * {@link ChurnGenerator} turns a script into the Service and EndpointSlice changes the API server would send.
 * <p>
 * Thread contract: every implementation is an immutable record.
 */
public sealed interface ChurnAction
{
    /** @return seconds after the start of the run at which the action begins, ≥ 0. */
    double atSeconds();

    /**
     * A Deployment rollout to a new pod template.
     *
     * @param service        "namespace/name" or "name" of the Service whose Deployment rolls.
     * @param maxSurge       pods above the desired count during the rollout ("25%" rounds up, as Kubernetes).
     * @param maxUnavailable ready pods that may be missing below the desired count ("25%" rounds down).
     */
    record RollingUpdate(double atSeconds, String service, Amount maxSurge, Amount maxUnavailable)
        implements ChurnAction
    {
        public RollingUpdate
        {
            checkAt(atSeconds);
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(maxSurge, "maxSurge");
            Objects.requireNonNull(maxUnavailable, "maxUnavailable");
        }
    }

    /** The Deployment's desired replica count changes; scale-down deletes the newest pods first. */
    record Scale(double atSeconds, String service, int replicas) implements ChurnAction
    {
        public Scale
        {
            checkAt(atSeconds);
            Objects.requireNonNull(service, "service");
            if (replicas < 0)
            {
                throw new IllegalArgumentException("replicas " + replicas + " < 0");
            }
        }
    }

    /**
     * {@code pods} ready pods crash and keep crashing: a crashed pod is listed not-ready for the back-off
     * (10 s doubling up to 300 s, CrashLoopBackOff), then replaced by a pod with a new IP, which crashes again
     * {@code uptimeSeconds} after it became ready, {@code restarts} times in all.
     */
    record CrashLoop(double atSeconds, String service, int pods, int restarts, double uptimeSeconds)
        implements ChurnAction
    {
        public CrashLoop
        {
            checkAt(atSeconds);
            Objects.requireNonNull(service, "service");
            if (pods < 1 || restarts < 1 || !(uptimeSeconds >= 0))
            {
                throw new IllegalArgumentException("crash loop needs pods ≥ 1, restarts ≥ 1, uptime ≥ 0");
            }
        }
    }

    /**
     * A node fails: every pod on it goes not-ready at once and, {@code notReadySeconds} later (0: at once), is
     * removed and replaced on the other nodes. The node stays down.
     *
     * @param node 1-based node number.
     */
    record NodeFailure(double atSeconds, int node, double notReadySeconds) implements ChurnAction
    {
        public NodeFailure
        {
            checkAt(atSeconds);
            if (node < 1 || !(notReadySeconds >= 0))
            {
                throw new IllegalArgumentException("node " + node + " or not-ready period out of range");
            }
        }
    }

    /** A Service and its Deployment are created. */
    record AddService(double atSeconds, ServiceShape service) implements ChurnAction
    {
        public AddService
        {
            checkAt(atSeconds);
            Objects.requireNonNull(service, "service");
        }
    }

    /** A Service, its EndpointSlices and its Deployment are deleted. */
    record RemoveService(double atSeconds, String service) implements ChurnAction
    {
        public RemoveService
        {
            checkAt(atSeconds);
            Objects.requireNonNull(service, "service");
        }
    }

    /** A pod count given as a number or as a percentage of the desired replicas. */
    record Amount(int value, boolean percent)
    {
        public Amount
        {
            if (value < 0 || (percent && value > 100))
            {
                throw new IllegalArgumentException("amount " + value + (percent ? "%" : "") + " out of range");
            }
        }

        /** Parses "3" or "25%". */
        public static Amount parse(final String text)
        {
            final String t = text.trim();
            try
            {
                return t.endsWith("%") ? new Amount(Integer.parseInt(t.substring(0, t.length() - 1).trim()), true) :
                    new Amount(Integer.parseInt(t), false);
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("'" + text + "' is neither a count nor a percentage");
            }
        }

        /** Kubernetes: maxSurge rounds a percentage up, maxUnavailable rounds it down. */
        public int resolve(final int replicas, final boolean roundUp)
        {
            if (!percent)
            {
                return value;
            }
            final long scaled = (long)value * replicas;
            return (int)(roundUp ? (scaled + 99) / 100 : scaled / 100);
        }

        @Override
        public String toString()
        {
            return value + (percent ? "%" : "");
        }
    }

    private static void checkAt(final double atSeconds)
    {
        if (!(atSeconds >= 0) || Double.isInfinite(atSeconds))
        {
            throw new IllegalArgumentException("at " + atSeconds + " must be a time ≥ 0 in seconds");
        }
    }
}
