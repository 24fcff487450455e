package io.vipflow.service;

import java.util.List;
import java.util.Objects;

/**
 * An EndpointSlice ({@code discovery.k8s.io/v1}).
 *
 * @param namespace   metadata.namespace
 * @param name        metadata.name
 * @param serviceName the {@code kubernetes.io/service-name} label
 * @param ipv6        addressType IPv6 (true) or IPv4 (false); FQDN slices are not accepted
 * @param ports       ports
 * @param endpoints   endpoints
 */
public record EndpointSliceSpec(String namespace, String name, String serviceName, boolean ipv6,
    List<EndpointPortSpec> ports, List<EndpointSpec> endpoints)
{
    /**
     * The canonical constructor, checking and normalising the components.
     *
     * @param namespace metadata.namespace
     * @param name metadata.name
     * @param serviceName the {@code kubernetes.io/service-name} label
     * @param ipv6 addressType IPv6 (true) or IPv4 (false); FQDN slices are not accepted
     * @param ports ports
     * @param endpoints endpoints
     */
    public EndpointSliceSpec
    {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(serviceName, "serviceName");
        ports = List.copyOf(ports);
        endpoints = List.copyOf(endpoints);
    }

    /** {@return "namespace/name" of the slice} */
    public String key()
    {
        return namespace + "/" + name;
    }

    /** {@return "namespace/serviceName" of the Service it belongs to} */
    public String serviceKey()
    {
        return namespace + "/" + serviceName;
    }
}
