package io.vipflow.harness.gen;

/**
 * The state of one generated flow between two of its packets. Pooled by the {@link TrafficGenerator}.
 * <p>
 * Thread contract: confined to the generator's thread.
 */
final class TrafficFlow
{
    int id;
    FlowKind kind;
    long next;
    int step;
    int protocol;
    boolean ipv6;
    long srcHi;
    long srcLo;
    int srcPort;
    long dstHi;
    long dstLo;
    int dstPort;
    int dataLeft;
    /** HTTP: ends with RST; DNS: the query is repeated; scan: the probe is followed by RST. */
    boolean variant;
    long endAt;
    long rtt;
}
