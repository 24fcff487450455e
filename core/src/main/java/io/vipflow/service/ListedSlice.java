package io.vipflow.service;

import io.vipflow.packet.Addresses;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The endpoints one EndpointSlice lists for one Service port, parsed and named once. A recompiled Service takes
 * them from its last compile: whole, for a slice that is the same object as then; one by one, in a slice that
 * changed, for each endpoint equal to the one at the same position before. So a change to one endpoint of a
 * 1,000-endpoint Service parses and names one address, not a thousand, and the backend ids found last time come
 * with the entries (each is checked against the last compile before it is used, see {@link Entry#backendId}).
 * <p>
 * Thread contract: control-plane thread only; never published to the data plane.
 */
final class ListedSlice
{
    private static final Comparator<Entry> BY_NAME = Comparator.comparing(e -> e.name);

    final EndpointSliceSpec slice;
    /** The endpoint port number the Service port resolved to in this slice. */
    final int targetPort;
    /** The entries in the slice's order. */
    private final Entry[] inSliceOrder;
    /** The same entries in name order; of two with one name, the one first in the slice comes first. */
    final Entry[] byName;

    /** One endpoint of the slice for one Service port: its first address (the one kube-proxy programs) and name. */
    static final class Entry
    {
        final long hi;
        final long lo;
        final int port;
        /** {@code address:port}, the backend's name; the same string object as the backend's. */
        final String name;
        final EndpointSpec endpoint;
        /**
         * The id this endpoint's backend had when a compile last used the entry, or 0. A hint only: ids are
         * released when a backend leaves, so the compiler uses it only when its last compile of the same Service
         * port still lists a backend with this id (ids are never handed out twice, so that backend is this one).
         */
        int backendId;

        private Entry(final long hi, final long lo, final int port, final String name, final EndpointSpec endpoint,
            final int backendId)
        {
            this.hi = hi;
            this.lo = lo;
            this.port = port;
            this.name = name;
            this.endpoint = endpoint;
            this.backendId = backendId;
        }
    }

    private ListedSlice(final EndpointSliceSpec slice, final int targetPort, final Entry[] inSliceOrder)
    {
        this.slice = slice;
        this.targetPort = targetPort;
        this.inSliceOrder = inSliceOrder;
        this.byName = inSliceOrder.clone();
        Arrays.sort(byName, BY_NAME);   // stable: equal names keep the slice's order
    }

    /**
     * The entries of {@code slice} for a Service port whose endpoint port there is {@code targetPort}: the previous
     * ones outright when {@code previous} was made from this very slice object and port, else new entries that
     * take over the parsed address and name of every endpoint equal to the one at its position in
     * {@code previous}.
     *
     * @param previous what the last compile made of the slice of this name for the same Service port, or null
     * @param parsed   counts the endpoints parsed and named anew (one element; for tests)
     */
    static ListedSlice of(final EndpointSliceSpec slice, final int targetPort, final boolean ipv6,
        final ListedSlice previous, final long[] parsed)
    {
        final boolean samePort = previous != null && previous.targetPort == targetPort;
        if (samePort && previous.slice == slice)
        {
            return previous;
        }
        final List<EndpointSpec> endpoints = slice.endpoints();
        final Entry[] out = new Entry[endpoints.size()];
        for (int i = 0; i < out.length; i++)
        {
            final EndpointSpec e = endpoints.get(i);
            final Entry was = samePort && i < previous.inSliceOrder.length ? previous.inSliceOrder[i] : null;
            if (was != null && was.endpoint.equals(e))
            {
                // A new entry, so that the old slice's endpoint objects are not kept alive by this one.
                out[i] = new Entry(was.hi, was.lo, was.port, was.name, e, was.backendId);
                continue;
            }
            // kube-proxy programs the first address of an endpoint.
            final long[] addr = Addresses.parse(e.addresses().get(0));
            out[i] = new Entry(addr[0], addr[1], targetPort, Addresses.formatSocket(ipv6, addr[0], addr[1], targetPort),
                e, 0);
            parsed[0]++;
        }
        return new ListedSlice(slice, targetPort, out);
    }

    /** The entry of {@code previous} (in slice-name order, as compiled last time) for the slice named {@code name}. */
    static ListedSlice find(final ListedSlice[] previous, final String name, final int hint)
    {
        if (previous == null)
        {
            return null;
        }
        if (hint < previous.length && previous[hint].slice.name().equals(name))
        {
            return previous[hint];
        }
        for (final ListedSlice l : previous)
        {
            if (l.slice.name().equals(name))
            {
                return l;
            }
        }
        return null;
    }
}
