package io.vipflow.conntrack;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ConnStateTest
{
    // docs/SEMANTICS.md §3, the IPVS input-direction table; columns NO ES SS SR FW TW CL CW LA LI SA.
    private static final String[] COLUMNS = {"NO", "ES", "SS", "SR", "FW", "TW", "CL", "CW", "LA", "LI", "SA"};
    private static final String SYN = "SR ES ES SR SR SR SR SR SR SR SR";
    private static final String FIN = "CL CW SS TW TW TW CL CW LA LI TW";
    private static final String ACK = "ES ES SS ES FW TW CL CW CL LI ES";
    private static final String RST = "CL CL CL SR CL CL CL CL LA LI SR";

    @Test
    void everyTransitionMatchesTheIpvsInputTable()
    {
        checkRow(SYN, 0x02);
        checkRow(FIN, 0x01);
        checkRow(ACK, 0x10);
        checkRow(RST, 0x04);
    }

    @Test
    void eventPriorityIsRstThenSynThenFinThenAck()
    {
        for (int state = 0; state < ConnState.TCP_STATE_COUNT; state++)
        {
            assertEquals(ConnState.tcpNext(state, 0x04), ConnState.tcpNext(state, 0x04 | 0x02 | 0x01 | 0x10));
            assertEquals(ConnState.tcpNext(state, 0x02), ConnState.tcpNext(state, 0x02 | 0x01 | 0x10));
            assertEquals(ConnState.tcpNext(state, 0x01), ConnState.tcpNext(state, 0x01 | 0x10));
        }
    }

    @Test
    void packetWithoutStateFlagsKeepsTheState()
    {
        for (int state = 0; state < ConnState.TCP_STATE_COUNT; state++)
        {
            assertEquals(state, ConnState.tcpNext(state, 0x08));
            assertEquals(state, ConnState.tcpNext(state, 0));
        }
    }

    @Test
    void ipvsDefaultTimeouts()
    {
        final ConnTimeouts t = ConnTimeouts.ipvsDefaults();
        assertEquals(900, t.nanos(ConnState.ESTABLISHED) / 1_000_000_000L);
        assertEquals(60, t.nanos(ConnState.SYN_RECV) / 1_000_000_000L);
        assertEquals(120, t.nanos(ConnState.TIME_WAIT) / 1_000_000_000L);
        assertEquals(10, t.nanos(ConnState.CLOSE) / 1_000_000_000L);
        assertEquals(30, t.nanos(ConnState.LAST_ACK) / 1_000_000_000L);
        assertEquals(2, t.nanos(ConnState.NONE) / 1_000_000_000L);
        assertEquals(300, t.nanos(ConnState.UDP) / 1_000_000_000L);
        assertEquals(7, t.withUdp(7).nanos(ConnState.UDP));
        assertEquals(5, t.withTcp(ConnState.ESTABLISHED, 5).nanos(ConnState.ESTABLISHED));
    }

    private static void checkRow(final String row, final int flags)
    {
        final String[] expected = row.split(" ");
        for (int state = 0; state < expected.length; state++)
        {
            assertEquals(expected[state], COLUMNS[ConnState.tcpNext(state, flags)],
                "from " + COLUMNS[state] + " with flags 0x" + Integer.toHexString(flags));
        }
    }
}
