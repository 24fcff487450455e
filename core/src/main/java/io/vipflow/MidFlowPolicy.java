package io.vipflow;

/**
 * What to do with a TCP packet that is not a SYN (or an SCTP packet that is not an INIT) and has no
 * connection entry: a flow that began before this process, or whose entry expired or was dropped
 * (docs/SEMANTICS.md §3 leaves this to the balancer).
 */
public enum MidFlowPolicy
{
    /**
     * Schedule it as a new flow and track it from here, like Katran and Cilium. With Maglev the flow lands
     * where any instance would have put it. The default.
     */
    SCHEDULE,
    /** Leave it to the host unscheduled, as IPVS does ({@link Verdict#PASS}). */
    PASS,
    /** Discard it ({@link Verdict#DROP}, reason {@code no-connection}). */
    DROP
}
