package io.vipflow.service;

import io.vipflow.packet.Addresses;
import io.vipflow.sched.ConnCounters;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * One endpoint address and port behind one Service port, as compiled into a {@link Snapshot}. Immutable.
 * <p>
 * {@link #id} is stable for as long as the endpoint stays listed in the Service's slices, and never reused: a
 * connection-table entry that names an id missing from the current snapshot belongs to a removed backend.
 */
public final class Backend
{
    /** Id stable while the endpoint stays listed, never reused; what connection-table entries store. */
    public final int id;
    /** True for an IPv6 endpoint. */
    public final boolean ipv6;
    /** High 64 bits of the address (an IPv4 address is IPv4-mapped: {@link io.vipflow.packet.Addresses#ipv4Lo}). */
    public final long addrHi;
    /** Low 64 bits of the address (for IPv4, {@code 0xffff} then the 32 address bits). */
    public final long addrLo;
    /** The endpoint port new flows are DNATed to. */
    public final int port;
    /** Stable name {@code address:port} (IPv6 bracketed); orders backends for the schedulers. */
    public final String name;
    /** {@code conditions.ready} of the endpoint. */
    public final boolean ready;
    /** {@code conditions.serving} of the endpoint. */
    public final boolean serving;
    /** {@code conditions.terminating} of the endpoint. */
    public final boolean terminating;
    /** The node the endpoint runs on, "" when unknown. */
    public final String nodeName;
    /** The endpoint's zone, "" when unknown. */
    public final String zone;
    /** In the cluster set of docs/SEMANTICS.md §2: may take new flows under a Cluster traffic policy. */
    public final boolean inClusterSet;
    /** In the local set of docs/SEMANTICS.md §2: may take new flows under a Local traffic policy. */
    public final boolean inLocalSet;
    /** Live connection counts; the same object for as long as the backend keeps its id. */
    public final ConnCounters counters;
    /** The key its id is registered under ({@code servicePortKey|name}), to release the id when it leaves. */
    final String idKey;
    /** Built with the snapshot, on the control plane, so that reading it costs the data plane nothing. */
    private final InetSocketAddress socketAddress;

    /** @param name {@code address:port} as {@link Addresses#formatSocket} writes it */
    Backend(final int id, final String idKey, final boolean ipv6, final long addrHi, final long addrLo,
        final int port, final String name, final EndpointSpec endpoint, final boolean inClusterSet,
        final boolean inLocalSet, final ConnCounters counters)
    {
        this.idKey = idKey;
        this.counters = counters;
        this.id = id;
        this.ipv6 = ipv6;
        this.addrHi = addrHi;
        this.addrLo = addrLo;
        this.port = port;
        this.name = name;
        this.ready = endpoint.ready();
        this.serving = endpoint.serving();
        this.terminating = endpoint.terminating();
        this.nodeName = endpoint.nodeName();
        this.zone = endpoint.zone();
        this.inClusterSet = inClusterSet;
        this.inLocalSet = inLocalSet;
        this.socketAddress = new InetSocketAddress(inetAddress(ipv6, addrHi, addrLo), port);
    }

    /**
     * @return the backend's address and port; an {@link java.net.Inet4Address} for IPv4 backends, an
     *         {@link java.net.Inet6Address} for IPv6 ones. No name lookup is involved.
     */
    public InetSocketAddress socketAddress()
    {
        return socketAddress;
    }

    /**
     * @return a new array with the address in network byte order: 4 bytes for IPv4, 16 for IPv6. It allocates:
     *         for the data plane, {@link #addrHi} and {@link #addrLo} hold the same address without allocating.
     */
    public byte[] addressBytes()
    {
        return socketAddress.getAddress().getAddress();
    }

    private static InetAddress inetAddress(final boolean ipv6, final long hi, final long lo)
    {
        final byte[] bytes = new byte[ipv6 ? 16 : 4];
        if (ipv6)
        {
            for (int i = 0; i < 8; i++)
            {
                bytes[i] = (byte)(hi >>> (56 - 8 * i));
                bytes[8 + i] = (byte)(lo >>> (56 - 8 * i));
            }
        }
        else
        {
            for (int i = 0; i < 4; i++)
            {
                bytes[i] = (byte)(lo >>> (24 - 8 * i));   // the low 32 bits of an IPv4-mapped address
            }
        }
        try
        {
            return InetAddress.getByAddress(bytes);
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException("an address of 4 or 16 bytes is always valid", ex);
        }
    }

    /**
     * True when this backend is what compiling {@code endpoint} with these set memberships would give (the id,
     * address and port being the same already): a recompiled Service then keeps this object, so the snapshot's
     * tables need no new entry for it.
     */
    boolean sameAs(final EndpointSpec endpoint, final boolean inCluster, final boolean inLocal)
    {
        return ready == endpoint.ready() && serving == endpoint.serving() && terminating == endpoint.terminating() &&
            inClusterSet == inCluster && inLocalSet == inLocal && nodeName.equals(endpoint.nodeName()) &&
            zone.equals(endpoint.zone());
    }

    /**
     * May this backend take a new flow arriving under the given policy set?
     *
     * @param localPolicy whether the Local traffic policy applies
     * @return true when it is in the set of that policy
     */
    public boolean usableForNew(final boolean localPolicy)
    {
        return localPolicy ? inLocalSet : inClusterSet;
    }

    @Override
    public String toString()
    {
        return name;
    }
}
