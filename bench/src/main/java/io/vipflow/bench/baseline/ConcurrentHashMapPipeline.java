package io.vipflow.bench.baseline;

import io.vipflow.conntrack.ConnTimeouts;
import io.vipflow.conntrack.FlowKey;
import io.vipflow.service.ControlPlane;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The plain Java flow table: {@code ConcurrentHashMap<FlowRecord, FlowEntry>}, presized for the capacity. Every
 * lookup builds a record key (the map needs an object with equals and hashCode); an entry is updated in place.
 */
final class ConcurrentHashMapPipeline extends Pipeline
{
    /** The flow key as a value object. */
    record FlowRecord(int protocol, long srcHi, long srcLo, int srcPort, long dstHi, long dstLo, int dstPort)
    {
        static FlowRecord of(final FlowKey k)
        {
            return new FlowRecord(k.protocol, k.srcHi, k.srcLo, k.srcPort, k.dstHi, k.dstLo, k.dstPort);
        }
    }

    private final ControlPlane controlPlane;
    private final ConnTimeouts timeouts;
    private final ConcurrentHashMap<FlowRecord, FlowEntry> map;

    ConcurrentHashMapPipeline(final ControlPlane controlPlane, final ConnTimeouts timeouts, final int capacity)
    {
        this.controlPlane = controlPlane;
        this.timeouts = timeouts;
        this.map = new ConcurrentHashMap<>(capacity);
    }

    @Override
    public Lane lane()
    {
        return new MapLane(controlPlane, timeouts)
        {
            @Override
            int refresh(final FlowKey key, final int tcpFlags, final long nowNanos)
            {
                final FlowEntry e = map.get(FlowRecord.of(key));
                if (e == null || !e.liveAt(nowNanos))
                {
                    return -1;
                }
                e.refresh(tcpFlags, nowNanos, timeouts);
                return e.backendId;
            }

            @Override
            int create(final FlowKey key, final int backendId, final int state, final long expiryNanos,
                final long nowNanos)
            {
                final FlowRecord k = FlowRecord.of(key);
                final FlowEntry fresh = new FlowEntry(backendId, state, expiryNanos);
                while (true)
                {
                    final FlowEntry old = map.putIfAbsent(k, fresh);
                    if (old == null)
                    {
                        return inserted(backendId);
                    }
                    if (old.liveAt(nowNanos))
                    {
                        return old.backendId;
                    }
                    if (map.replace(k, old, fresh))
                    {
                        return inserted(backendId);
                    }
                }
            }
        };
    }

    @Override
    public void close()
    {
        map.clear();
    }
}
