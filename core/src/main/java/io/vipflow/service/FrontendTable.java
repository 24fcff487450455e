package io.vipflow.service;

import io.vipflow.conntrack.FlowHash;

import java.util.List;

/**
 * Exact-match map from (address, port, protocol) to {@link Frontend}: open addressing with linear probing
 * over parallel arrays, built once per snapshot and never written after. Lookups are allocation-free and
 * safe from any thread once the table is published.
 */
public final class FrontendTable
{
    private final long[] keyHi;
    private final long[] keyLo;
    private final int[] keyPortProto;
    private final Frontend[] values;
    private final int mask;

    /** Builds from frontends with distinct keys (the caller resolves conflicts first). */
    FrontendTable(final List<Frontend> frontends)
    {
        int capacity = 8;
        while (capacity < frontends.size() * 2)
        {
            capacity <<= 1;
        }
        keyHi = new long[capacity];
        keyLo = new long[capacity];
        keyPortProto = new int[capacity];
        values = new Frontend[capacity];
        mask = capacity - 1;
        for (final Frontend f : frontends)
        {
            int i = index(f.addrHi, f.addrLo, portProto(f.port, f.protocol));
            while (values[i] != null)
            {
                i = (i + 1) & mask;
            }
            keyHi[i] = f.addrHi;
            keyLo[i] = f.addrLo;
            keyPortProto[i] = portProto(f.port, f.protocol);
            values[i] = f;
        }
    }

    /** The frontend for a destination, or null when the packet belongs to no Service. */
    public Frontend lookup(final long dstHi, final long dstLo, final int dstPort, final int protocol)
    {
        final int pp = portProto(dstPort, protocol);
        int i = index(dstHi, dstLo, pp);
        Frontend f;
        while ((f = values[i]) != null)
        {
            if (keyLo[i] == dstLo && keyPortProto[i] == pp && keyHi[i] == dstHi)
            {
                return f;
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    private int index(final long hi, final long lo, final int portProto)
    {
        return (int)FlowHash.mix(lo ^ Long.rotateLeft(hi, 29) ^ ((long)portProto << 40)) & mask;
    }

    private static int portProto(final int port, final int protocol)
    {
        return (protocol << 16) | port;
    }
}
