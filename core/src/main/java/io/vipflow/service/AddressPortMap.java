package io.vipflow.service;

import io.vipflow.conntrack.FlowHash;

import java.util.ArrayList;
import java.util.List;

/**
 * Exact-match map from (address, port, protocol) to a value: open addressing with linear probing over parallel
 * arrays, built once and never written after. Lookups are allocation-free and safe from any thread once the
 * map is published.
 *
 * @param <V> the value type
 */
final class AddressPortMap<V>
{
    private final long[] keyHi;
    private final long[] keyLo;
    private final int[] keyPortProto;
    private final Object[] values;
    private final int mask;
    private final List<V> all;

    /** Builds from parallel lists of keys and values; keys must be distinct. */
    AddressPortMap(final long[] hi, final long[] lo, final int[] port, final int[] protocol, final List<V> vals)
    {
        int capacity = 8;
        while (capacity < vals.size() * 2)
        {
            capacity <<= 1;
        }
        keyHi = new long[capacity];
        keyLo = new long[capacity];
        keyPortProto = new int[capacity];
        values = new Object[capacity];
        mask = capacity - 1;
        for (int k = 0; k < vals.size(); k++)
        {
            final int pp = portProto(port[k], protocol[k]);
            int i = index(hi[k], lo[k], pp);
            while (values[i] != null)
            {
                i = (i + 1) & mask;
            }
            keyHi[i] = hi[k];
            keyLo[i] = lo[k];
            keyPortProto[i] = pp;
            values[i] = vals.get(k);
        }
        all = List.copyOf(new ArrayList<>(vals));
    }

    /** The value for the key, or null. */
    @SuppressWarnings("unchecked")
    V get(final long hi, final long lo, final int port, final int protocol)
    {
        final int pp = portProto(port, protocol);
        int i = index(hi, lo, pp);
        Object v;
        while ((v = values[i]) != null)
        {
            if (keyLo[i] == lo && keyPortProto[i] == pp && keyHi[i] == hi)
            {
                return (V)v;
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    List<V> values()
    {
        return all;
    }

    private int index(final long hi, final long lo, final int portProto)
    {
        return (int)FlowHash.mix(lo ^ Long.rotateLeft(hi, 29) ^ ((long)portProto << 40)) & mask;
    }

    private static int portProto(final int port, final int protocol)
    {
        return (protocol << 16) | port;
    }

    /**
     * The protocol component of a key: the IP protocol number with the address family in bit 8, so that an
     * IPv4 address and the IPv4-mapped IPv6 address with the same 128-bit value never share a key.
     */
    static int familyProtocol(final int protocol, final boolean ipv6)
    {
        return (protocol & 0xFF) | (ipv6 ? 0x100 : 0);
    }
}
