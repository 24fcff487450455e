package io.vipflow.service;

import java.util.List;

/**
 * One entry of an EndpointSlice's {@code endpoints}. Conditions are already defaulted as the API defines
 * them: an absent {@code ready} is true, an absent {@code serving} takes the value of {@code ready}, an absent
 * {@code terminating} is false (discovery.k8s.io/v1 EndpointConditions).
 *
 * @param addresses   the endpoint's addresses (kube-proxy uses the first one)
 * @param ready       conditions.ready
 * @param serving     conditions.serving
 * @param terminating conditions.terminating
 * @param nodeName    nodeName, or "" when unset
 * @param zone        zone, or "" when unset
 */
public record EndpointSpec(List<String> addresses, boolean ready, boolean serving, boolean terminating,
    String nodeName, String zone)
{
    public EndpointSpec
    {
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty())
        {
            throw new IllegalArgumentException("endpoint has no addresses");
        }
        nodeName = nodeName == null ? "" : nodeName;
        zone = zone == null ? "" : zone;
    }

    /** A ready, serving, not terminating endpoint. */
    public static EndpointSpec ready(final String address, final String nodeName)
    {
        return new EndpointSpec(List.of(address), true, true, false, nodeName, "");
    }
}
