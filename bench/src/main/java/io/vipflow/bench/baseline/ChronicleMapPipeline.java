package io.vipflow.bench.baseline;

import io.vipflow.conntrack.ConnTable;
import io.vipflow.conntrack.ConnTimeouts;
import io.vipflow.conntrack.FlowKey;
import io.vipflow.conntrack.chronicle.ChronicleConnTable;
import io.vipflow.conntrack.chronicle.ChronicleConnView;
import io.vipflow.service.ControlPlane;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Core's {@link ChronicleConnTable}, a Chronicle Map in a file in a temporary directory: a lookup copies the entry
 * out, and restarting a flow's timer is an update under the segment's lock, as Chronicle's API requires.
 */
final class ChronicleMapPipeline extends Pipeline
{
    private final ControlPlane controlPlane;
    private final ConnTimeouts timeouts;
    private final Path dir;
    private final ChronicleConnTable table;

    ChronicleMapPipeline(final ControlPlane controlPlane, final ConnTimeouts timeouts, final int capacity)
    {
        this.controlPlane = controlPlane;
        this.timeouts = timeouts;
        try
        {
            dir = Files.createTempDirectory("vipflow-classify-bench");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        table = ChronicleConnTable.open(dir.resolve("conntrack.cmap"), capacity);
    }

    @Override
    public Lane lane()
    {
        final ChronicleConnView view = new ChronicleConnView();
        return new MapLane(controlPlane, timeouts)
        {
            @Override
            int refresh(final FlowKey key, final int tcpFlags, final long nowNanos)
            {
                while (table.lookup(key, nowNanos, view))
                {
                    final int next = next(view.state(), tcpFlags);
                    // vipflow's refresh grain (ConnTimeouts): no write while the deadline lies far enough ahead.
                    if (next == view.state() && timeouts.keepsDeadline(next, view.expiryNanos(), nowNanos) ||
                        table.update(view, view.backendId(), next, timeouts.refreshedDeadline(next, nowNanos)))
                    {
                        return view.backendId();
                    }
                }
                return -1;
            }

            @Override
            int create(final FlowKey key, final int backendId, final int state, final long expiryNanos,
                final long nowNanos)
            {
                final int result = table.getOrCreate(key, backendId, state, expiryNanos, nowNanos, view);
                if (result == ConnTable.CREATED)
                {
                    return inserted(backendId);
                }
                return result == ConnTable.EXISTING ? view.backendId() : -1;
            }
        };
    }

    @Override
    public void close()
    {
        table.close();
        try
        {
            Files.deleteIfExists(dir.resolve("conntrack.cmap"));
            Files.deleteIfExists(dir);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
