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
    /** Keys interleaved, three longs a slot (hi, lo, port and protocol), so a probe touches one cache line. */
    private final long[] keys;
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
        keys = new long[capacity * 3];
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
            keys[i * 3] = hi[k];
            keys[i * 3 + 1] = lo[k];
            keys[i * 3 + 2] = pp;
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
        final long[] k = keys;
        final Object[] vs = values;
        Object v;
        while ((v = vs[i]) != null)
        {
            final int at = i * 3;
            if (k[at + 1] == lo && k[at + 2] == pp && k[at] == hi)
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
