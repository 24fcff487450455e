package io.vipflow.bench.baseline;

import io.vipflow.conntrack.ConnTimeouts;
import io.vipflow.conntrack.FlowKey;
import io.vipflow.service.ControlPlane;
import org.jctools.maps.NonBlockingHashMapLong;

/**
 * JCTools {@code NonBlockingHashMapLong} keyed by the flow's 64-bit hash (no key object per packet), the full key
 * kept in the entry and compared on every lookup. A flow whose hash equals another live flow's is refused, as a
 * full bucket would be: with a 64-bit hash that is about N^2 / 2^65 pairs among N flows, 3e-8 at a million.
 */
final class NonBlockingHashMapLongPipeline extends Pipeline
{
    /** A {@link FlowEntry} with its key, to tell flows with one hash apart. */
    static final class KeyedFlowEntry extends FlowEntry
    {
        final int protocol;
        final long srcHi;
        final long srcLo;
        final int srcPort;
        final long dstHi;
        final long dstLo;
        final int dstPort;

        KeyedFlowEntry(final FlowKey k, final int backendId, final int state, final long expiryNanos)
        {
            super(backendId, state, expiryNanos);
            protocol = k.protocol;
            srcHi = k.srcHi;
            srcLo = k.srcLo;
            srcPort = k.srcPort;
            dstHi = k.dstHi;
            dstLo = k.dstLo;
            dstPort = k.dstPort;
        }

        boolean matches(final FlowKey k)
        {
            return srcLo == k.srcLo && srcPort == k.srcPort && dstLo == k.dstLo && dstPort == k.dstPort &&
                protocol == k.protocol && srcHi == k.srcHi && dstHi == k.dstHi;
        }
    }

    private final ControlPlane controlPlane;
    private final ConnTimeouts timeouts;
    private final NonBlockingHashMapLong<KeyedFlowEntry> map;

    NonBlockingHashMapLongPipeline(final ControlPlane controlPlane, final ConnTimeouts timeouts, final int capacity)
    {
        this.controlPlane = controlPlane;
        this.timeouts = timeouts;
        this.map = new NonBlockingHashMapLong<>(capacity);
    }

    @Override
    public Lane lane()
    {
        return new MapLane(controlPlane, timeouts)
        {
            @Override
            int refresh(final FlowKey key, final int tcpFlags, final long nowNanos)
            {
                final KeyedFlowEntry e = map.get(key.hash);
                if (e == null || !e.matches(key) || !e.liveAt(nowNanos))
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
                final KeyedFlowEntry fresh = new KeyedFlowEntry(key, backendId, state, expiryNanos);
                while (true)
                {
                    final KeyedFlowEntry old = map.putIfAbsent(key.hash, fresh);
                    if (old == null)
                    {
                        return inserted(backendId);
                    }
                    if (old.liveAt(nowNanos))
                    {
                        return old.matches(key) ? old.backendId : -1;
                    }
                    if (map.replace(key.hash, old, fresh))
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
