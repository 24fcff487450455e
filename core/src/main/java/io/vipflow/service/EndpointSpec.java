package io.vipflow.service;

import java.util.List;
import java.util.Set;

/**
 * One entry of an EndpointSlice's {@code endpoints}. Conditions are already defaulted as kube-proxy reads them
 * ({@code pkg/proxy/endpointslicecache.go} {@code addEndpoints}): an absent {@code ready} is true, an absent
 * {@code serving} is true, an absent {@code terminating} is false.
 *
 * @param addresses   the endpoint's addresses (kube-proxy uses the first one)
 * @param ready       conditions.ready
 * @param serving     conditions.serving
 * @param terminating conditions.terminating
 * @param nodeName    nodeName, or "" when unset
 * @param zone        zone, or "" when unset
 * @param zoneHints   hints.forZones names; empty when the endpoint has no zone hint
 * @param nodeHints   hints.forNodes names; empty when the endpoint has no node hint
 */
public record EndpointSpec(List<String> addresses, boolean ready, boolean serving, boolean terminating,
    String nodeName, String zone, Set<String> zoneHints, Set<String> nodeHints)
{
    /**
     * The canonical constructor, checking and normalising the components.
     *
     * @param addresses the endpoint's addresses (kube-proxy uses the first one)
     * @param ready conditions.ready
     * @param serving conditions.serving
     * @param terminating conditions.terminating
     * @param nodeName nodeName, or "" when unset
     * @param zone zone, or "" when unset
     * @param zoneHints hints.forZones names; empty when the endpoint has no zone hint
     * @param nodeHints hints.forNodes names; empty when the endpoint has no node hint
     */
    public EndpointSpec
    {
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty())
        {
            throw new IllegalArgumentException("endpoint has no addresses");
        }
        nodeName = nodeName == null ? "" : nodeName;
        zone = zone == null ? "" : zone;
        zoneHints = zoneHints == null ? Set.of() : Set.copyOf(zoneHints);
        nodeHints = nodeHints == null ? Set.of() : Set.copyOf(nodeHints);
    }

    /**
     * An endpoint without topology hints.
     *
     * @param addresses the endpoint's addresses (kube-proxy uses the first one)
     * @param ready conditions.ready
     * @param serving conditions.serving
     * @param terminating conditions.terminating
     * @param nodeName nodeName, or "" when unset
     * @param zone zone, or "" when unset
     */
    public EndpointSpec(final List<String> addresses, final boolean ready, final boolean serving,
        final boolean terminating, final String nodeName, final String zone)
    {
        this(addresses, ready, serving, terminating, nodeName, zone, Set.of(), Set.of());
    }

    /**
     * {@return a ready, serving, not terminating endpoint}
     *
     * @param address  the endpoint's address
     * @param nodeName the node it runs on
     */
    public static EndpointSpec ready(final String address, final String nodeName)
    {
        return new EndpointSpec(List.of(address), true, true, false, nodeName, "");
    }

    /**
     * {@return this endpoint with the given hints ({@code hints.forZones}, {@code hints.forNodes})}
     *
     * @param forZones zones the endpoint is hinted for
     * @param forNodes nodes the endpoint is hinted for
     */
    public EndpointSpec withHints(final Set<String> forZones, final Set<String> forNodes)
    {
        return new EndpointSpec(addresses, ready, serving, terminating, nodeName, zone, forZones, forNodes);
    }
}
