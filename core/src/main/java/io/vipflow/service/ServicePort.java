package io.vipflow.service;

import org.agrona.collections.Int2ObjectHashMap;

/**
 * One Service port for one address family, compiled for the data plane: every backend listed for it, and
 * the sets that may take new flows. Immutable once published; any thread may read it.
 */
public final class ServicePort
{
    /** Stable id of (Service, port, family) while the Service exists; keys session-affinity records. */
    public final int id;
    /** {@code namespace/name:portName}, or the port number when the port has no name. */
    public final String label;
    /** The Service this port belongs to. */
    public final ServiceSpec service;
    /** The port as the Service declares it. */
    public final ServicePortSpec port;
    /** The address family: a dual-stack Service has one ServicePort per family. */
    public final boolean ipv6;
    /** Session-affinity timeout in nanoseconds; 0 when affinity is off. */
    public final long affinityTimeoutNanos;
    /**
     * The set new flows choose from under a Cluster traffic policy.
     * @hidden
     */
    public final BackendSet clusterSet;
    /**
     * The set new flows choose from under a Local traffic policy.
     * @hidden
     */
    public final BackendSet localSet;
    private final Backend[] listed;
    /**
     * Backends that left the slices while connection entries still named them: the one compile where they left,
     * then for as long as their counts are not zero. A removed-backend policy that keeps such flows finds them here
     * ({@link #departed(int)}); new flows never reach them. A handful at most, so a linear scan is the lookup.
     */
    private final Backend[] departed;
    /**
     * Listed backends by {@code id - firstId} when their ids are close together (a Service's backends get their
     * ids as they are listed, so they usually are): one bounds check and one load per packet instead of a hash
     * probe. Null when the ids are spread out; then {@link #byId} holds them.
     */
    private final Backend[] dense;
    private final int firstId;
    private final Int2ObjectHashMap<Backend> byId;

    ServicePort(final int id, final ServiceSpec service, final ServicePortSpec port, final boolean ipv6,
        final Backend[] listed, final Backend[] departed, final BackendSet clusterSet, final BackendSet localSet)
    {
        this.departed = departed;
        this.id = id;
        this.service = service;
        this.port = port;
        this.ipv6 = ipv6;
        this.label = service.key() + ":" + (port.name().isEmpty() ? Integer.toString(port.port()) : port.name());
        this.affinityTimeoutNanos = service.affinityTimeoutSeconds() * 1_000_000_000L;
        this.listed = listed;
        this.clusterSet = clusterSet;
        this.localSet = localSet;
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        for (final Backend b : listed)
        {
            min = Math.min(min, b.id);
            max = Math.max(max, b.id);
        }
        if (listed.length > 0 && (long)max - min < 4L * listed.length + DENSE_SLACK)
        {
            this.firstId = min;
            this.dense = new Backend[max - min + 1];
            for (final Backend b : listed)
            {
                dense[b.id - min] = b;
            }
            this.byId = null;
        }
        else
        {
            this.firstId = 0;
            this.dense = null;
            this.byId = new Int2ObjectHashMap<>(Math.max(8, listed.length * 2), 0.65f);
            for (final Backend b : listed)
            {
                byId.put(b.id, b);
            }
        }
    }

    /** Ids may spread over up to four times the listed backends plus this before the dense array gives way. */
    private static final int DENSE_SLACK = 64;

    /**
     * {@return the listed backend with this id, or null when it is no longer listed (removed)} Allocation-free.
     *
     * @param backendId a backend id
     */
    public Backend backend(final int backendId)
    {
        final Backend[] d = dense;
        if (d == null)
        {
            return byId.get(backendId);
        }
        final int i = backendId - firstId;
        return i >= 0 && i < d.length ? d[i] : null;
    }

    /**
     * {@return a backend that has left the slices but is still named by connection entries (see
     * {@link #departedCount}), or null} Allocation-free.
     *
     * @param backendId a backend id
     */
    public Backend departed(final int backendId)
    {
        for (final Backend b : departed)
        {
            if (b.id == backendId)
            {
                return b;
            }
        }
        return null;
    }

    /**
     * {@return the number of backends that left the slices and are kept while entries name them} They are kept for
     * the compile they left in, at least.
     */
    public int departedCount()
    {
        return departed.length;
    }

    /**
     * @param i an index, {@code 0..departedCount()-1}
     * @return the i-th departed backend
     */
    public Backend departedAt(final int i)
    {
        return departed[i];
    }

    /** {@return the number of backends listed in the Service's slices for this port, whatever its conditions} */
    public int listedCount()
    {
        return listed.length;
    }

    /**
     * @param i an index, {@code 0..listedCount()-1}
     * @return the i-th listed backend
     */
    public Backend listed(final int i)
    {
        return listed[i];
    }

    /**
     * {@return the set new flows choose from under the policy that applies to a frontend}
     *
     * @param external whether the frontend is external ({@link FrontendKind#external})
     * @hidden
     */
    public BackendSet setFor(final boolean external)
    {
        return localPolicy(external) ? localSet : clusterSet;
    }

    /**
     * {@return true when the traffic policy for this kind of frontend is Local (docs/SEMANTICS.md §2 rule 3)}
     *
     * @param external whether the frontend is external ({@link FrontendKind#external})
     */
    public boolean localPolicy(final boolean external)
    {
        return external ? service.externalTrafficLocal() : service.internalTrafficLocal();
    }

    @Override
    public String toString()
    {
        return label + (ipv6 ? " (IPv6)" : "");
    }
}
