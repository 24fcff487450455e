package io.vipflow.harness.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import io.vipflow.service.EndpointPortSpec;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.EndpointSpec;
import io.vipflow.service.Protocol;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Converts a {@code discovery.k8s.io/v1 EndpointSlice} object tree into an {@link EndpointSliceSpec}, applying the
 * API defaults for endpoint conditions and refusing what the API server would refuse. Errors are
 * {@link ObjectError}s naming the field path.
 * <p>
 * Thread contract: stateless.
 */
final class SliceConverter
{
    /** Kubernetes ValidateEndpointSlice: at most 1000 endpoints in one slice ({@code maxEndpoints}). */
    static final int MAX_ENDPOINTS = 1000;
    /** Kubernetes ValidateEndpointSlice: at most 100 ports in one slice ({@code maxPorts}). */
    static final int MAX_PORTS = 100;
    /** Kubernetes ValidateEndpointSlice: at most 100 addresses in one endpoint ({@code maxAddresses}). */
    static final int MAX_ADDRESSES = 100;
    /**
     * Kubernetes ValidateEndpointSlice {@code validateHints}: at most 8 zone hints ({@code maxZoneHints}); the same
     * cap is applied to node hints.
     */
    static final int MAX_HINTS = 8;

    private SliceConverter()
    {
    }

    /**
     * @return the slice, or null for an {@code FQDN} slice, which names hosts rather than addresses and which
     * kube-proxy ignores.
     */
    static EndpointSliceSpec convert(final JsonNode slice)
    {
        final String namespace = KubeObjects.namespace(slice);
        final String name = KubeObjects.name(slice);
        final String serviceName = serviceName(slice);

        final String addressType = JsonFields.string(slice, "", "addressType");
        if (addressType == null || addressType.isEmpty())
        {
            throw new ObjectError("addressType", "is required (IPv4, IPv6 or FQDN)");
        }
        final boolean ipv6;
        switch (addressType)
        {
            case "IPv4":
                ipv6 = false;
                break;
            case "IPv6":
                ipv6 = true;
                break;
            case "FQDN":
                return null;
            default:
                throw new ObjectError("addressType", "'" + addressType + "' is not IPv4, IPv6 or FQDN");
        }
        return new EndpointSliceSpec(namespace, name, serviceName, ipv6, ports(slice), endpoints(slice, ipv6));
    }

    private static String serviceName(final JsonNode slice)
    {
        final JsonNode metadata = JsonFields.object(slice, "", "metadata");
        final JsonNode labels = JsonFields.object(metadata, "metadata", "labels");
        final String serviceName = JsonFields.string(labels, "metadata.labels", KubeObjects.SERVICE_NAME_LABEL);
        // kube-proxy only follows slices carrying this label; without it the slice belongs to no Service.
        if (serviceName == null || serviceName.isEmpty())
        {
            throw new ObjectError(JsonFields.path("metadata.labels", KubeObjects.SERVICE_NAME_LABEL),
                "is required (the name of the Service the slice belongs to)");
        }
        return serviceName;
    }

    private static List<EndpointPortSpec> ports(final JsonNode slice)
    {
        // kubectl prints "ports": null for a slice without ports.
        final JsonNode list = JsonFields.array(slice, "", "ports");
        final List<EndpointPortSpec> ports = new ArrayList<>();
        if (list == null)
        {
            return ports;
        }
        // Refused rather than truncated: the API server never stores such a slice, so it is not something a
        // cluster can hold, and keeping part of it would route to a set of endpoints nobody declared.
        if (list.size() > MAX_PORTS)
        {
            throw new ObjectError("ports", "has " + list.size() + " entries; at most " + MAX_PORTS + " are allowed");
        }
        final Map<String, Integer> byName = new HashMap<>();
        for (int i = 0; i < list.size(); i++)
        {
            final String path = JsonFields.index("ports", i);
            final JsonNode entry = list.get(i);
            if (!entry.isObject())
            {
                throw new ObjectError(path, "must be an object, found " + JsonFields.describe(entry));
            }
            final String rawName = JsonFields.string(entry, path, "name");
            final String portName = rawName == null ? "" : rawName;
            final Protocol protocol = JsonFields.protocol(entry, path);
            // EndpointSlice validation: port names are unique within a slice (the empty name included).
            final Integer sameName = byName.putIfAbsent(portName, i);
            if (sameName != null)
            {
                throw new ObjectError(JsonFields.path(path, "name"),
                    "'" + portName + "' duplicates the name of ports[" + sameName + "]");
            }
            // EndpointPort.port: "If this is not specified, ports are not restricted and must be interpreted in
            // the context of the specific consumer". No Service port can resolve to it, so it is left out.
            if (JsonFields.get(entry, "port") == null)
            {
                continue;
            }
            final int port = (int)JsonFields.integer(entry, path, "port", 1, 65535, 0);
            ports.add(new EndpointPortSpec(portName, port, protocol));
        }
        return ports;
    }

    private static List<EndpointSpec> endpoints(final JsonNode slice, final boolean ipv6)
    {
        // kubectl prints "endpoints": null for a slice without endpoints.
        final JsonNode list = JsonFields.array(slice, "", "endpoints");
        final List<EndpointSpec> endpoints = new ArrayList<>();
        if (list == null)
        {
            return endpoints;
        }
        // Refused rather than truncated, for the reason given in ports(): the EndpointSlice controller splits a
        // larger Service over several slices, so a slice over the cap comes from no real cluster.
        if (list.size() > MAX_ENDPOINTS)
        {
            throw new ObjectError("endpoints", "has " + list.size() + " entries; at most " + MAX_ENDPOINTS +
                " are allowed in one slice");
        }
        for (int i = 0; i < list.size(); i++)
        {
            final String path = JsonFields.index("endpoints", i);
            final JsonNode entry = list.get(i);
            if (!entry.isObject())
            {
                throw new ObjectError(path, "must be an object, found " + JsonFields.describe(entry));
            }
            endpoints.add(endpoint(entry, path, ipv6));
        }
        return endpoints;
    }

    private static EndpointSpec endpoint(final JsonNode entry, final String path, final boolean ipv6)
    {
        final List<String> addresses = JsonFields.strings(entry, path, "addresses");
        final String addressesPath = JsonFields.path(path, "addresses");
        if (addresses.isEmpty())
        {
            throw new ObjectError(addressesPath, "must hold at least one address");
        }
        if (addresses.size() > MAX_ADDRESSES)
        {
            throw new ObjectError(addressesPath, "has " + addresses.size() + " entries; at most " + MAX_ADDRESSES +
                " are allowed");
        }
        final List<String> normalised = new ArrayList<>(addresses.size());
        for (int i = 0; i < addresses.size(); i++)
        {
            final String addressPath = JsonFields.index(addressesPath, i);
            normalised.add(JsonFields.ip(addresses.get(i), addressPath));
            final int family = JsonFields.ipFamily(normalised.get(i), addressPath);
            // EndpointSlice validation: every address is of the slice's addressType.
            if ((family == 6) != ipv6)
            {
                throw new ObjectError(addressPath, "'" + addresses.get(i) + "' is " + (family == 6 ? "IPv6" : "IPv4") +
                    " but the slice's addressType is " + (ipv6 ? "IPv6" : "IPv4"));
            }
        }

        // EndpointConditions as kube-proxy reads them (pkg/proxy/endpointslicecache.go addEndpoints): a nil ready
        // or serving is true, a nil terminating false. (The API text lets consumers defer a nil serving to ready;
        // kube-proxy does not, which matters for a not-ready terminating endpoint without serving.)
        final JsonNode conditions = JsonFields.object(entry, path, "conditions");
        final String conditionsPath = JsonFields.path(path, "conditions");
        final boolean ready = JsonFields.bool(conditions, conditionsPath, "ready", true);
        final boolean serving = JsonFields.bool(conditions, conditionsPath, "serving", true);
        final boolean terminating = JsonFields.bool(conditions, conditionsPath, "terminating", false);

        final String nodeName = JsonFields.string(entry, path, "nodeName");
        final String zone = JsonFields.string(entry, path, "zone");
        final JsonNode hints = JsonFields.object(entry, path, "hints");
        final String hintsPath = JsonFields.path(path, "hints");
        return new EndpointSpec(normalised, ready, serving, terminating, nodeName, zone,
            hintNames(hints, hintsPath, "forZones"), hintNames(hints, hintsPath, "forNodes"));
    }

    /** {@code hints.forZones[].name} or {@code hints.forNodes[].name}: at most {@link #MAX_HINTS}, no duplicates. */
    private static Set<String> hintNames(final JsonNode hints, final String hintsPath, final String field)
    {
        final JsonNode list = JsonFields.array(hints, hintsPath, field);
        final Set<String> names = new LinkedHashSet<>();
        if (list == null)
        {
            return names;
        }
        final String listPath = JsonFields.path(hintsPath, field);
        if (list.size() > MAX_HINTS)
        {
            throw new ObjectError(listPath, "has " + list.size() + " entries; at most " + MAX_HINTS + " are allowed");
        }
        for (int i = 0; i < list.size(); i++)
        {
            final String entryPath = JsonFields.index(listPath, i);
            final JsonNode entry = list.get(i);
            if (!entry.isObject())
            {
                throw new ObjectError(entryPath, "must be an object, found " + JsonFields.describe(entry));
            }
            final String name = JsonFields.string(entry, entryPath, "name");
            if (name == null || name.isEmpty())
            {
                throw new ObjectError(JsonFields.path(entryPath, "name"), "is required");
            }
            if (!names.add(name))
            {
                throw new ObjectError(JsonFields.path(entryPath, "name"), "'" + name + "' is listed twice");
            }
        }
        return names;
    }
}
