package io.vipflow.conntrack;

/**
 * Connection states kept in an entry, and the TCP input-direction transitions of IPVS
 * ({@code net/netfilter/ipvs/ip_vs_proto_tcp.c}, {@code tcp_states}, the INPUT rows; docs/SEMANTICS.md §3).
 * <p>
 * TCP states use IPVS's numbering; UDP, SCTP and affinity entries have one state each.
 */
public final class ConnState
{
    /** TCP: no state yet (IPVS {@code IP_VS_TCP_S_NONE}). */
    public static final int NONE = 0;
    /** TCP: established. */
    public static final int ESTABLISHED = 1;
    /** TCP: SYN sent. */
    public static final int SYN_SENT = 2;
    /** TCP: SYN received (the client's SYN seen). */
    public static final int SYN_RECV = 3;
    /** TCP: FIN seen, waiting for the other side. */
    public static final int FIN_WAIT = 4;
    /** TCP: time wait. */
    public static final int TIME_WAIT = 5;
    /** TCP: closed (RST seen). */
    public static final int CLOSE = 6;
    /** TCP: close wait. */
    public static final int CLOSE_WAIT = 7;
    /** TCP: last ACK. */
    public static final int LAST_ACK = 8;
    /** TCP: listen. */
    public static final int LISTEN = 9;
    /** TCP: SYN-ACK seen. */
    public static final int SYNACK = 10;
    /** Number of TCP states. */
    public static final int TCP_STATE_COUNT = 11;

    /** A UDP flow. */
    public static final int UDP = 16;
    /** An SCTP association. */
    public static final int SCTP = 17;
    /** A ClientIP session-affinity record (not a connection). */
    public static final int AFFINITY = 18;
    /** An entry being removed: invisible to lookups, never changed again. */
    public static final int DEAD = 0xFF;

    private static final String[] NAMES =
        {"NONE", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK",
            "LISTEN", "SYNACK"};

    private static final int NO = NONE;
    private static final int ES = ESTABLISHED;
    private static final int SS = SYN_SENT;
    private static final int SR = SYN_RECV;
    private static final int FW = FIN_WAIT;
    private static final int TW = TIME_WAIT;
    private static final int CL = CLOSE;
    private static final int CW = CLOSE_WAIT;
    private static final int LA = LAST_ACK;
    private static final int LI = LISTEN;
    private static final int SA = SYNACK;

    // Rows: syn, fin, ack, rst. Columns: the current state NO ES SS SR FW TW CL CW LA LI SA.
    private static final byte[][] INPUT =
        {
            {SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SR},
            {CL, CW, SS, TW, TW, TW, CL, CW, LA, LI, TW},
            {ES, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES},
            {CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, SR},
        };

    private static final int ROW_SYN = 0;
    private static final int ROW_FIN = 1;
    private static final int ROW_ACK = 2;
    private static final int ROW_RST = 3;

    private ConnState()
    {
    }

    /**
     * {@return the TCP state after a client-to-service packet with these flags} IPVS picks one event per packet in the
     * order rst, syn, fin, ack ({@code tcp_state_idx}); a packet with none of them leaves the state as it is.
     *
     * @param state    current TCP state, 0..10
     * @param tcpFlags the TCP flags byte
     */
    public static int tcpNext(final int state, final int tcpFlags)
    {
        final int row;
        if ((tcpFlags & 0x04) != 0)
        {
            row = ROW_RST;
        }
        else if ((tcpFlags & 0x02) != 0)
        {
            row = ROW_SYN;
        }
        else if ((tcpFlags & 0x01) != 0)
        {
            row = ROW_FIN;
        }
        else if ((tcpFlags & 0x10) != 0)
        {
            row = ROW_ACK;
        }
        else
        {
            return state;
        }
        return INPUT[row][state];
    }

    /**
     * @param state a state
     * @return true for a TCP state
     */
    public static boolean isTcp(final int state)
    {
        return state >= 0 && state < TCP_STATE_COUNT;
    }

    /**
     * @param state a state
     * @return its name as conntrack dumps print it
     */
    public static String name(final int state)
    {
        if (isTcp(state))
        {
            return NAMES[state];
        }
        switch (state)
        {
            case UDP: return "UDP";
            case SCTP: return "SCTP";
            case AFFINITY: return "AFFINITY";
            case DEAD: return "DEAD";
            default: return "UNKNOWN(" + state + ")";
        }
    }
}
