package io.vipflow.conntrack;

/** Packing of the header, ports and meta words of a {@link ConnTable} slot. Stateless. */
final class ConnSlots
{
    private ConnSlots()
    {
    }

    static int tagOf(final long hash)
    {
        final int tag = (int)(hash >>> 32);
        return tag == 0 ? 1 : tag;
    }

    static long nextVersion(final long header)
    {
        return (((header >>> 8) & ConnTable.VERSION_MASK) + 1) & ConnTable.VERSION_MASK;
    }

    /** An EMPTY header with the version bumped, so readers of the old entry see the change. */
    static long emptied(final long header)
    {
        return nextVersion(header) << 8;
    }

    static long packPorts(final FlowKey key)
    {
        return ((long)(key.protocol & 0x1FF) << 32) | ((long)(key.srcPort & 0xFFFF) << 16) | (key.dstPort & 0xFFFF);
    }

    static long packMeta(final int backendId, final int state, final long version)
    {
        return ((long)backendId << 32) | ((long)(state & 0xFF) << 24) | (version & ConnTable.VERSION_MASK);
    }

    static long withState(final long meta, final int state)
    {
        return (meta & ~(0xFFL << 24)) | ((long)(state & 0xFF) << 24);
    }

    static int backendOf(final long meta)
    {
        return (int)(meta >>> 32);
    }

    static int stateOf(final long meta)
    {
        return (int)(meta >>> 24) & 0xFF;
    }
}
