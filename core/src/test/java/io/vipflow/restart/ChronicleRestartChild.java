package io.vipflow.restart;

import io.vipflow.conntrack.ConnState;
import io.vipflow.conntrack.ConnTable;
import io.vipflow.conntrack.FlowKey;
import io.vipflow.conntrack.chronicle.ChronicleConnTable;
import io.vipflow.conntrack.chronicle.ChronicleConnView;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The process that {@link ChronicleRestartTest} kills: creates ESTABLISHED entries in a Chronicle connection
 * table and prints {@code flow backend} after each, until it is killed (or after 60 s or a million flows).
 * Argument: the table file.
 */
public final class ChronicleRestartChild
{
    static final long TIMEOUT_NANOS = 900_000_000_000L;

    private ChronicleRestartChild()
    {
    }

    static FlowKey key(final FlowKey k, final int flow)
    {
        return k.set(6, 0, 0xffff_0000_0000L | RestartCluster.client(flow), RestartCluster.clientPort(flow), 0,
            0xffff_0000_0000L | RestartCluster.VIP, 80);
    }

    public static void main(final String[] args) throws IOException
    {
        final long stopAt = System.currentTimeMillis() + 60_000;
        final BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        try (ChronicleConnTable table = ChronicleConnTable.open(Path.of(args[0]), RestartCluster.CAPACITY))
        {
            final ChronicleConnView view = new ChronicleConnView();
            final FlowKey k = new FlowKey();
            for (int flow = 0; flow < 1_000_000 && System.currentTimeMillis() < stopAt; flow++)
            {
                final long now = RestartCluster.epochNanos();
                final int outcome = table.getOrCreate(key(k, flow), flow % 97, ConnState.ESTABLISHED,
                    now + TIMEOUT_NANOS, now, view);
                if (outcome != ConnTable.CREATED)
                {
                    throw new IllegalStateException("flow " + flow + ": outcome " + outcome);
                }
                out.write(flow + " " + view.backendId() + "\n");
                if ((flow & 63) == 63)
                {
                    out.flush();
                }
            }
            out.flush();
        }
    }
}
