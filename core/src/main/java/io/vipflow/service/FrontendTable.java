package io.vipflow.service;

import java.util.List;

/**
 * Exact-match map from (address, port, protocol) to {@link Frontend}, one version per snapshot. A version is never
 * written after it is made (the next snapshot's version shares its unchanged parts, see {@link AddressPortMap});
 * lookups are allocation-free and safe from any thread once the snapshot is published.
 * <p>
 * Not API (docs/API.md): public because the classifier in another package looks frontends up in it.
 * @hidden
 */
public final class FrontendTable
{
    static final FrontendTable EMPTY = new FrontendTable(AddressPortMap.empty());

    private final AddressPortMap<Frontend> map;

    FrontendTable(final AddressPortMap<Frontend> map)
    {
        this.map = map;
    }

    /**
     * {@return the frontend for a destination, or null when the packet belongs to no Service}
     *
     * @param ipv6     the destination's family
     * @param dstHi    the destination address, high 64 bits
     * @param dstLo    the destination address, low 64 bits
     * @param dstPort  the destination port
     * @param protocol the IP protocol number
     */
    public Frontend lookup(final boolean ipv6, final long dstHi, final long dstLo, final int dstPort,
        final int protocol)
    {
        return map.get(dstHi, dstLo, dstPort, AddressPortMap.familyProtocol(protocol, ipv6));
    }

    /** {@return every frontend, in no particular order (for tools; built at the first call)} */
    public List<Frontend> all()
    {
        return map.values();
    }

    /** {@return the number of frontends} */
    public int size()
    {
        return map.size();
    }

    AddressPortMap<Frontend> map()
    {
        return map;
    }
}
