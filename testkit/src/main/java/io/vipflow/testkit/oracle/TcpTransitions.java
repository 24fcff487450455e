package io.vipflow.testkit.oracle;

import io.vipflow.conntrack.ConnState;

import java.util.List;
import java.util.Map;

/**
 * The TCP input-direction state table of docs/SEMANTICS.md §3, transcribed from the spec's table (not from
 * core) so that the model and the classifier are checked against each other. States use the
 * {@link ConnState} numbers only as labels.
 */
final class TcpTransitions
{
    /** §3: the table's columns. */
    private static final List<String> COLUMNS = List.of("NO", "ES", "SS", "SR", "FW", "TW", "CL", "CW", "LA", "LI", "SA");

    /** §3, one row per flag, as the table gives them. */
    private static final List<String> SYN = row("SR ES ES SR SR SR SR SR SR SR SR");
    private static final List<String> FIN = row("CL CW SS TW TW TW CL CW LA LI TW");
    private static final List<String> ACK = row("ES ES SS ES FW TW CL CW CL LI ES");
    private static final List<String> RST = row("CL CL CL SR CL CL CL CL LA LI SR");

    private static final Map<String, Integer> STATE = Map.ofEntries(
        Map.entry("NO", ConnState.NONE),
        Map.entry("ES", ConnState.ESTABLISHED),
        Map.entry("SS", ConnState.SYN_SENT),
        Map.entry("SR", ConnState.SYN_RECV),
        Map.entry("FW", ConnState.FIN_WAIT),
        Map.entry("TW", ConnState.TIME_WAIT),
        Map.entry("CL", ConnState.CLOSE),
        Map.entry("CW", ConnState.CLOSE_WAIT),
        Map.entry("LA", ConnState.LAST_ACK),
        Map.entry("LI", ConnState.LISTEN),
        Map.entry("SA", ConnState.SYNACK));

    private static final int FLAG_FIN = 0x01;
    private static final int FLAG_SYN = 0x02;
    private static final int FLAG_RST = 0x04;
    private static final int FLAG_ACK = 0x10;

    private TcpTransitions()
    {
    }

    private static List<String> row(final String text)
    {
        return List.of(text.split(" "));
    }

    /**
     * The state after a client-to-service packet. One event per packet, by priority rst &gt; syn &gt; fin &gt;
     * ack (§3); a packet with none of these flags leaves the state unchanged.
     */
    static int next(final int state, final int tcpFlags)
    {
        final List<String> row;
        if ((tcpFlags & FLAG_RST) != 0)
        {
            row = RST;
        }
        else if ((tcpFlags & FLAG_SYN) != 0)
        {
            row = SYN;
        }
        else if ((tcpFlags & FLAG_FIN) != 0)
        {
            row = FIN;
        }
        else if ((tcpFlags & FLAG_ACK) != 0)
        {
            row = ACK;
        }
        else
        {
            return state;
        }
        return STATE.get(row.get(COLUMNS.indexOf(abbreviation(state))));
    }

    private static String abbreviation(final int state)
    {
        for (final Map.Entry<String, Integer> e : STATE.entrySet())
        {
            if (e.getValue() == state)
            {
                return e.getKey();
            }
        }
        throw new IllegalArgumentException("not a TCP state: " + state);
    }
}
