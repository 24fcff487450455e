package io.vipflow.conntrack;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * How long an entry lives after its last packet, per state, in nanoseconds. Defaults are IPVS's
 * ({@code tcp_timeouts} in {@code ip_vs_proto_tcp.c}, {@code udp_timeouts} in {@code ip_vs_proto_udp.c};
 * docs/SEMANTICS.md §3). Immutable; share freely.
 * <p>
 * <b>Refresh grain.</b> When a packet restarts an entry's timer and the table has to write the entry, the deadline
 * it writes is the packet's time plus the timeout, rounded up to the millisecond, plus the state's
 * {@link #refreshGrainMillis grain} less 1 ms; a later packet of the flow that leaves the state as it is writes
 * nothing while its own deadline is no later than that. The grain is 1/256 of the timeout, at least 1 ms and at
 * most {@link #MAX_REFRESH_GRAIN_MILLIS} (1 s for the 900 s of ESTABLISHED and the 300 s of UDP, 234 ms for
 * SYN_RECV, 39 ms for CLOSE, 1 ms, that is none, for timeouts under 512 ms). So a flow whose packets come more
 * often writes its entry once per grain instead of once per millisecond, and an entry never expires before its
 * last packet's time plus the timeout, but may live up to one grain less 1 ms longer: late, never early, as the
 * kernel's timers for IPVS connections are (a timer far ahead sits in a coarse level of the timer wheel and fires
 * at that level's granularity, {@code kernel/time/timer.c}). The write is what a busy flow costs the table (an
 * atomic update of a line other cores may hold); Cilium keeps its connection deadlines in whole seconds
 * ({@code bpf/lib/conntrack.h}, {@code __ct_update_timeout}, {@code bpf_mono_now()}) for the same reason.
 */
public final class ConnTimeouts
{
    /** The longest refresh grain, whatever the timeout. */
    public static final long MAX_REFRESH_GRAIN_MILLIS = 1_000;
    /** The grain is the timeout shifted right by this much (1/256). */
    private static final int GRAIN_SHIFT = 8;

    private final long[] tcpNanos;
    private final long udpNanos;
    private final long sctpNanos;
    /** {@link #refreshGrainMillis} per TCP state, then UDP, then SCTP: worked out once here, not per packet. */
    private final long[] tcpGrainMillis;
    private final long udpGrainMillis;
    private final long sctpGrainMillis;

    private ConnTimeouts(final long[] tcpNanos, final long udpNanos, final long sctpNanos)
    {
        this.tcpNanos = tcpNanos;
        this.udpNanos = udpNanos;
        this.sctpNanos = sctpNanos;
        this.tcpGrainMillis = new long[tcpNanos.length];
        for (int i = 0; i < tcpNanos.length; i++)
        {
            tcpGrainMillis[i] = grainMillis(tcpNanos[i]);
        }
        this.udpGrainMillis = grainMillis(udpNanos);
        this.sctpGrainMillis = grainMillis(sctpNanos);
    }

    private static long grainMillis(final long timeoutNanos)
    {
        final long timeoutMillis = timeoutNanos / ConnSlots.NANOS_PER_MILLI;
        return Math.max(1, Math.min(MAX_REFRESH_GRAIN_MILLIS, timeoutMillis >> GRAIN_SHIFT));
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

    /**
     * {@return the refresh grain of {@code state} in milliseconds (see the class comment): 1/256 of the state's
     * timeout, at least 1, at most {@link #MAX_REFRESH_GRAIN_MILLIS}}
     *
     * @param state an entry state ({@link ConnState})
     */
    public long refreshGrainMillis(final int state)
    {
        if (state < ConnState.TCP_STATE_COUNT)
        {
            return tcpGrainMillis[state];
        }
        return state == ConnState.UDP ? udpGrainMillis : sctpGrainMillis;
    }

    /**
     * {@return the deadline a packet at {@code nowNanos} gives an entry in {@code state} when the table writes it:
     * {@code nowNanos} plus the state's timeout, rounded up to the millisecond, plus its
     * {@link #refreshGrainMillis grain} less 1 ms (see the class comment)}
     *
     * @param state    the state the entry moves to
     * @param nowNanos the packet's time, on the table's clock
     */
    public long refreshedDeadline(final int state, final long nowNanos)
    {
        return (ConnSlots.ceilMillis(nowNanos + nanos(state)) + refreshGrainMillis(state) - 1) *
            ConnSlots.NANOS_PER_MILLI;
    }

    /**
     * True when a packet that leaves an entry in its state need not write it: the entry's deadline
     * {@code deadlineNanos} is, in milliseconds rounded up as the table stores it, no earlier than
     * {@code nowNanos} plus the state's timeout. The rule {@code ConnView.keeps} applies to the table's entries,
     * for a model of the table that keeps deadlines in nanoseconds.
     *
     * @param state         the entry's state, before and after the packet
     * @param deadlineNanos the deadline the entry has
     * @param nowNanos      the packet's time
     * @return true when the deadline stays as it is
     */
    public boolean keepsDeadline(final int state, final long deadlineNanos, final long nowNanos)
    {
        return ConnSlots.ceilMillis(nowNanos + nanos(state)) <= ConnSlots.ceilMillis(deadlineNanos);
    }

    /**
     * {@return the deadline an entry has after a packet moves it from {@code fromState} to {@code toState}, for a
     * model of the table that keeps deadlines in nanoseconds: {@code deadlineNanos} when the state stays and
     * {@link #keepsDeadline} holds, else {@link #refreshedDeadline}}
     *
     * @param fromState     the entry's state before the packet
     * @param toState       its state after the packet
     * @param deadlineNanos the deadline the entry has
     * @param nowNanos      the packet's time
     */
    public long restartedDeadline(final int fromState, final int toState, final long deadlineNanos,
        final long nowNanos)
    {
        return fromState == toState && keepsDeadline(toState, deadlineNanos, nowNanos) ? deadlineNanos :
            refreshedDeadline(toState, nowNanos);
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
