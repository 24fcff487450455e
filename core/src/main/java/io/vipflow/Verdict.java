package io.vipflow;

/** What to do with a packet. */
public enum Verdict
{
    /** Rewrite the destination to {@link Decision#backend()} and forward. */
    DNAT,
    /** Refuse actively (ICMP port unreachable, or TCP RST): the Service has no endpoints. */
    REJECT,
    /** Discard silently; {@link Decision#reason()} says why. */
    DROP,
    /** Not addressed to any Service frontend: leave the packet alone. */
    PASS,
    /**
     * A backend's reply on a tracked flow ({@link Classifier#classifyReply}): rewrite its source to
     * {@link Decision#frontend()}'s address and port, so the client sees the address it connected to.
     */
    REPLY
}
