package io.vipflow.harness.sim;

import io.vipflow.Decision;
import io.vipflow.Reason;
import io.vipflow.Verdict;
import io.vipflow.service.ServicePort;

import java.util.Arrays;
import java.util.List;

/**
 * Which backend each flow is on, and which flows churn broke. A flow is broken when a later packet of it is dropped
 * because its backend was removed, or is sent to another backend. The break is unavoidable when the flow's backend
 * is no longer listed for its Service port (or the drop says so); otherwise the scheduler moved a flow whose
 * backend was still there (in a fleet, an instance without the flow's entry hashed it elsewhere). A flow is
 * counted once, at its first break, and attributed to the latest churn mark at or before that moment.
 * <p>
 * Thread contract: confined to the collector thread.
 */
final class FlowTracker
{
    private static final int BROKEN = -1;

    private final BackendLabels labels;
    private final long[] markNanos;
    private final long[] brokenPerMark;
    /** Per flow id: 0 before its first DNAT, label + 1 after, {@link #BROKEN} once broken. */
    private int[] backendOf = new int[1 << 16];
    private long broken;
    private long unavoidable;
    private int mark = -1;

    FlowTracker(final BackendLabels labels, final List<Long> marks)
    {
        this.labels = labels;
        this.markNanos = marks.stream().mapToLong(Long::longValue).toArray();
        this.brokenPerMark = new long[markNanos.length];
    }

    void record(final int flowId, final long timeNanos, final Decision d, final int label)
    {
        if (flowId >= backendOf.length)
        {
            backendOf = Arrays.copyOf(backendOf, Math.max(flowId + 1, backendOf.length * 2));
        }
        final int previous = backendOf[flowId];
        if (d.verdict() == Verdict.DNAT)
        {
            if (previous == 0)
            {
                backendOf[flowId] = label + 1;
            }
            else if (previous > 0 && previous != label + 1)
            {
                broke(flowId, timeNanos, !listed(labels.name(previous - 1), d.servicePort()));
            }
        }
        else if (d.verdict() == Verdict.DROP && d.reason() == Reason.BACKEND_REMOVED && previous > 0)
        {
            broke(flowId, timeNanos, true);
        }
    }

    private void broke(final int flowId, final long timeNanos, final boolean removed)
    {
        backendOf[flowId] = BROKEN;
        broken++;
        if (removed)
        {
            unavoidable++;
        }
        while (mark + 1 < markNanos.length && markNanos[mark + 1] <= timeNanos)
        {
            mark++;
        }
        if (mark >= 0)
        {
            brokenPerMark[mark]++;
        }
    }

    private static boolean listed(final String backend, final ServicePort sp)
    {
        for (int i = 0; i < sp.listedCount(); i++)
        {
            if (sp.listed(i).name.equals(backend))
            {
                return true;
            }
        }
        return false;
    }

    long broken()
    {
        return broken;
    }

    long unavoidable()
    {
        return unavoidable;
    }

    long[] brokenPerMark()
    {
        return brokenPerMark.clone();
    }
}
