package io.vipflow.conntrack;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * How long an entry lives after its last packet, per state, in nanoseconds. Defaults are IPVS's
 * ({@code tcp_timeouts} in {@code ip_vs_proto_tcp.c}, {@code udp_timeouts} in {@code ip_vs_proto_udp.c};
 * docs/SEMANTICS.md §3). Immutable; share freely.
 */
public final class ConnTimeouts
{
    private final long[] tcpNanos;
    private final long udpNanos;
    private final long sctpNanos;

    private ConnTimeouts(final long[] tcpNanos, final long udpNanos, final long sctpNanos)
    {
        this.tcpNanos = tcpNanos;
        this.udpNanos = udpNanos;
        this.sctpNanos = sctpNanos;
    }

    /**
     * IPVS defaults: ESTABLISHED 900 s, SYN_SENT 120 s, SYN_RECV 60 s, FIN_WAIT 120 s, TIME_WAIT 120 s,
     * CLOSE 10 s, CLOSE_WAIT 60 s, LAST_ACK 30 s, LISTEN 120 s, SYNACK 120 s, NONE 2 s; UDP 300 s.
     * SCTP uses IPVS's SCTP ESTABLISHED timeout, 900 s, for every association state.
     *
     * @return the IPVS defaults
     */
    public static ConnTimeouts ipvsDefaults()
    {
        final long[] tcp = new long[ConnState.TCP_STATE_COUNT];
        tcp[ConnState.NONE] = seconds(2);
        tcp[ConnState.ESTABLISHED] = seconds(900);
        tcp[ConnState.SYN_SENT] = seconds(120);
        tcp[ConnState.SYN_RECV] = seconds(60);
        tcp[ConnState.FIN_WAIT] = seconds(120);
        tcp[ConnState.TIME_WAIT] = seconds(120);
        tcp[ConnState.CLOSE] = seconds(10);
        tcp[ConnState.CLOSE_WAIT] = seconds(60);
        tcp[ConnState.LAST_ACK] = seconds(30);
        tcp[ConnState.LISTEN] = seconds(120);
        tcp[ConnState.SYNACK] = seconds(120);
        return new ConnTimeouts(tcp, seconds(300), seconds(900));
    }

    /**
     * {@return a copy with one TCP state's timeout changed}
     *
     * @param state a TCP state ({@link ConnState})
     * @param nanos its timeout in nanoseconds, positive
     */
    public ConnTimeouts withTcp(final int state, final long nanos)
    {
        final long[] tcp = Arrays.copyOf(tcpNanos, tcpNanos.length);
        tcp[state] = positive(nanos);
        return new ConnTimeouts(tcp, udpNanos, sctpNanos);
    }

    /**
     * A copy with another UDP timeout.
     *
     * @param nanos the UDP timeout in nanoseconds, positive
     * @return a copy with that timeout
     */
    public ConnTimeouts withUdp(final long nanos)
    {
        return new ConnTimeouts(tcpNanos, positive(nanos), sctpNanos);
    }

    /**
     * A copy with another SCTP timeout.
     *
     * @param nanos the SCTP timeout in nanoseconds, positive
     * @return a copy with that timeout
     */
    public ConnTimeouts withSctp(final long nanos)
    {
        return new ConnTimeouts(tcpNanos, udpNanos, positive(nanos));
    }

    /**
     * {@return timeout in nanoseconds for an entry in {@code state} (a TCP state, UDP or SCTP)}
     *
     * @param state an entry state ({@link ConnState})
     */
    public long nanos(final int state)
    {
        if (state < ConnState.TCP_STATE_COUNT)
        {
            return tcpNanos[state];
        }
        return state == ConnState.UDP ? udpNanos : sctpNanos;
    }

    private static long seconds(final long s)
    {
        return TimeUnit.SECONDS.toNanos(s);
    }

    private static long positive(final long nanos)
    {
        if (nanos <= 0)
        {
            throw new IllegalArgumentException("timeout must be positive: " + nanos + " ns");
        }
        return nanos;
    }
}
