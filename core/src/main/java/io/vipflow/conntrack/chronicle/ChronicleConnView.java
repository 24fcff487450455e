package io.vipflow.conntrack.chronicle;

import io.vipflow.conntrack.FlowKey;
import net.openhft.chronicle.values.Values;

/**
 * What one read of a {@link ChronicleConnTable} entry saw: its key and value, copied out of the map. Owned by
 * one thread and reused (it holds Chronicle heap instances, created once); pass it back to
 * {@link ChronicleConnTable#update} or {@link ChronicleConnTable#delete}, which succeed only if the entry is still
 * the one that was read.
 */
public final class ChronicleConnView
{
    static
    {
        // A view may be the first Chronicle user in a process: analytics go off before Values loads.
        ChronicleConnTable.disableAnalytics();
    }

    final ChronicleFlowKey key = Values.newHeapInstance(ChronicleFlowKey.class);
    final ChronicleConnEntry entry = Values.newHeapInstance(ChronicleConnEntry.class);
    /** What update and delete find in the map, compared with {@link #entry} before anything is written. */
    final ChronicleConnEntry current = Values.newHeapInstance(ChronicleConnEntry.class);

    /** Copies the key in the map's layout: the same packing as a {@code ConnTable} slot. */
    void setKey(final FlowKey k)
    {
        key.setSrcHi(k.srcHi);
        key.setSrcLo(k.srcLo);
        key.setDstHi(k.dstHi);
        key.setDstLo(k.dstLo);
        key.setPorts(((long)(k.protocol & 0x1FF) << 32) | ((long)(k.srcPort & 0xFFFF) << 16) | (k.dstPort & 0xFFFF));
    }

    /** Copies the key back out, for dumps. */
    public FlowKey readKey(final FlowKey out)
    {
        final long ports = key.getPorts();
        return out.set((int)(ports >>> 32) & 0x1FF, key.getSrcHi(), key.getSrcLo(), (int)(ports >>> 16) & 0xFFFF,
            key.getDstHi(), key.getDstLo(), (int)ports & 0xFFFF);
    }

    /** {@return the backend id stored with the entry} */
    public int backendId()
    {
        return entry.getBackendId();
    }

    /** {@return the entry's {@code ConnState}} */
    public int state()
    {
        return entry.getState();
    }

    /** {@return when the entry expires unless refreshed, in the table's clock (nanoseconds)} */
    public long expiryNanos()
    {
        return entry.getExpiryNanos();
    }

    /** {@return when the entry was created, in the table's clock (nanoseconds)} */
    public long createdNanos()
    {
        return entry.getCreatedNanos();
    }
}
