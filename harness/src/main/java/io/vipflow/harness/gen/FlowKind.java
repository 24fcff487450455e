package io.vipflow.harness.gen;

/** The kinds of flow the {@link TrafficGenerator} makes. */
public enum FlowKind
{
    /** Short TCP: SYN, ACK, request, a few ACKs of the response, then FIN and ACK (or RST). */
    HTTP,
    /** Long-lived TCP: SYN, ACK, a data packet every interval for its lifetime, then FIN and ACK. */
    LONG_LIVED,
    /** One UDP query, sometimes repeated a second later on the same socket. */
    DNS,
    /** One SYN from a spoofed source. */
    SYN_FLOOD,
    /** One SYN to a probed port from one of a pool of sources, sometimes followed by RST. */
    SCAN
}
