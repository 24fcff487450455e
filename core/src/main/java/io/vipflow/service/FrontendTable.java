package io.vipflow.service;

import java.util.List;

/**
 * Exact-match map from (address, port, protocol) to {@link Frontend}. Built once per snapshot and never
 * written after; lookups are allocation-free and safe from any thread once the snapshot is published.
 */
public final class FrontendTable
{
    private final AddressPortMap<Frontend> map;

    /** Builds from frontends with distinct keys (the caller resolves conflicts first). */
    FrontendTable(final List<Frontend> frontends)
    {
        final int n = frontends.size();
        final long[] hi = new long[n];
        final long[] lo = new long[n];
        final int[] port = new int[n];
        final int[] protocol = new int[n];
        for (int i = 0; i < n; i++)
        {
            final Frontend f = frontends.get(i);
            hi[i] = f.addrHi;
            lo[i] = f.addrLo;
            port[i] = f.port;
            protocol[i] = AddressPortMap.familyProtocol(f.protocol, f.ipv6);
        }
        map = new AddressPortMap<>(hi, lo, port, protocol, frontends);
    }

    /** The frontend for a destination, or null when the packet belongs to no Service. */
    public Frontend lookup(final boolean ipv6, final long dstHi, final long dstLo, final int dstPort,
        final int protocol)
    {
        return map.get(dstHi, dstLo, dstPort, AddressPortMap.familyProtocol(protocol, ipv6));
    }

    /** Every frontend, in build order. */
    public List<Frontend> all()
    {
        return map.values();
    }
}
