package io.vipflow.harness.conntrack;

import io.vipflow.conntrack.ConnState;
import io.vipflow.conntrack.FlowKey;
import io.vipflow.conntrack.chronicle.ChronicleConnTable;
import io.vipflow.conntrack.chronicle.ChronicleConnView;

import java.nio.file.Path;

/**
 * A writer that stops for good while it holds a segment's write lock (inside a sweep's removal), printing
 * "locked" first: killed then, it leaves the lock behind, as a writer killed at the wrong moment does.
 */
public final class StaleLockWriter
{
    private StaleLockWriter()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        System.setProperty("chronicle.analytics.disable", "true");
        final ChronicleConnTable table = ChronicleConnTable.open(Path.of(args[0]), 1000);
        final ChronicleConnView view = new ChronicleConnView();
        for (int i = 0; i < 200; i++)
        {
            table.getOrCreate(new FlowKey().set(6, 0, 0x0a0b0000L + i, 40000, 0, 0x0a60000aL, 80), 1,
                ConnState.ESTABLISHED, 1, 0, view);
        }
        table.removalListener((backendId, state, cause) ->
        {
            System.out.println("locked");
            System.out.flush();
            try
            {
                Thread.sleep(Long.MAX_VALUE);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        });
        table.sweep(0, table.segments(), 2, null);
    }
}
