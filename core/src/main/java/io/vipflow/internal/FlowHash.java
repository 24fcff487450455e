package io.vipflow.internal;

/**
 * The hash of a flow's 5-tuple. Fixed (no per-process seed) on purpose: every instance of a fleet must map a
 * flow to the same Maglev slot, and a persisted table must find its flows after a restart.
 * <p>
 * Stateless; any thread.
 */
public final class FlowHash
{
    private static final long C1 = 0x9E3779B97F4A7C15L;
    private static final long C2 = 0xC2B2AE3D27D4EB4FL;
    private static final long C3 = 0x165667B19E3779F9L;
    private static final long C4 = 0xD6E8FEB86659FD93L;
    private static final long C5 = 0xFF51AFD7ED558CCDL;

    private FlowHash()
    {
    }

    /**
     * Hash of (protocol, source, destination); ports are 0..65535, protocol 0..255.
     *
     * @param protocol the key's protocol field
     * @param srcHi    source address, high 64 bits
     * @param srcLo    source address, low 64 bits
     * @param srcPort  source port
     * @param dstHi    destination address, high 64 bits
     * @param dstLo    destination address, low 64 bits
     * @param dstPort  destination port
     * @return the hash
     */
    public static long hash(final int protocol, final long srcHi, final long srcLo, final int srcPort,
        final long dstHi, final long dstLo, final int dstPort)
    {
        final long ports = ((long)protocol << 32) | ((long)srcPort << 16) | dstPort;
        long h = srcLo * C1;
        h ^= Long.rotateLeft(srcHi * C2, 17);
        h ^= Long.rotateLeft(dstLo * C3, 31);
        h ^= Long.rotateLeft(dstHi * C4, 43);
        h ^= ports * C5;
        return mix(h);
    }

    /**
     * {@return the MurmurHash3 64-bit finaliser: every input bit affects every output bit}
     *
     * @param value the value to mix
     */
    public static long mix(final long value)
    {
        long h = value;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h;
    }
}
