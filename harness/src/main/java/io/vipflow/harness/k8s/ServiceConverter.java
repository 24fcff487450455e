package io.vipflow.harness.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import io.vipflow.packet.Addresses;
import io.vipflow.sched.Schedulers;
import io.vipflow.service.Protocol;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;
import io.vipflow.service.ServiceType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Converts a {@code v1 Service} object tree into a {@link ServiceSpec}, applying the API defaults and refusing what
 * the API server would refuse. Errors are {@link ObjectError}s naming the field path.
 * <p>
 * Thread contract: stateless.
 */
final class ServiceConverter
{
    private static final Pattern IANA_SERVICE_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");

    /** Annotation choosing the scheduler for one Service. */
    static final String SCHEDULER_ANNOTATION = "vipflow.io/scheduler";
    /** Annotation with that scheduler's flags, comma-separated ({@code sh-fallback,sh-port}). */
    static final String SCHEDULER_FLAGS_ANNOTATION = "vipflow.io/scheduler-flags";
    /** Legacy source-range annotation, still honoured when the spec field is empty. */
    static final String SOURCE_RANGES_ANNOTATION = "service.beta.kubernetes.io/load-balancer-source-ranges";

    private static final String HEADLESS = "None";

    private ServiceConverter()
    {
    }

    /**
     * @param service the object tree of a {@code v1 Service}.
     * @return the converted Service.
     * @throws ObjectError naming the field that breaks a rule.
     */
    static ServiceSpec convert(final JsonNode service)
    {
        final String namespace = KubeObjects.namespace(service);
        final String name = KubeObjects.name(service);
        final JsonNode metadata = JsonFields.object(service, "", "metadata");
        final JsonNode annotations = JsonFields.object(metadata, "metadata", "annotations");
        final JsonNode spec = JsonFields.object(service, "", "spec");
        final JsonNode status = JsonFields.object(service, "", "status");

        final ServiceType type = type(JsonFields.string(spec, "spec", "type"));
        final List<ServicePortSpec> ports = ports(spec, type);

        // ExternalName Services are a DNS CNAME only: kube-proxy programs nothing for them, so no frontends.
        final boolean externalName = type == ServiceType.EXTERNAL_NAME;
        final List<String> clusterIps = externalName ? List.of() : clusterIps(spec);
        final List<String> externalIps = externalName ? List.of() : addresses(spec, "spec", "externalIPs");
        final List<String> loadBalancerIps = externalName ? List.of() : loadBalancerIps(status);
        final List<String> sourceRanges = externalName ? List.of() : sourceRanges(spec, annotations);

        final int affinityTimeout = affinityTimeout(spec);
        final boolean externalLocal = trafficPolicy(spec, "externalTrafficPolicy");
        final boolean internalLocal = trafficPolicy(spec, "internalTrafficPolicy");
        validateTrafficDistribution(spec);

        final String scheduler = JsonFields.string(annotations, "metadata.annotations", SCHEDULER_ANNOTATION);
        final String schedulerName = scheduler == null || scheduler.isBlank() ? null : scheduler.trim();
        final String flags = JsonFields.string(annotations, "metadata.annotations", SCHEDULER_FLAGS_ANNOTATION);
        final String schedulerFlags = flags == null || flags.isBlank() ? null : flags.trim();
        validateScheduler(schedulerName, schedulerFlags);
        return new ServiceSpec(namespace, name, type, clusterIps, externalIps, loadBalancerIps, sourceRanges, ports,
            affinityTimeout, externalLocal, internalLocal, schedulerName, schedulerFlags);
    }

    /** The scheduler annotation must name a scheduler, and the flags annotation needs it and must suit it. */
    private static void validateScheduler(final String scheduler, final String flags)
    {
        final String schedulerPath = JsonFields.path("metadata.annotations", SCHEDULER_ANNOTATION);
        final String flagsPath = JsonFields.path("metadata.annotations", SCHEDULER_FLAGS_ANNOTATION);
        if (scheduler == null)
        {
            if (flags != null)
            {
                throw new ObjectError(flagsPath, "needs " + schedulerPath + " to name the scheduler they are for");
            }
            return;
        }
        if (!Schedulers.NAMES.contains(scheduler))
        {
            throw new ObjectError(schedulerPath, "'" + scheduler + "' is not a scheduler (one of " +
                String.join(", ", Schedulers.NAMES) + ")");
        }
        try
        {
            Schedulers.factory(scheduler, flags, 0);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ObjectError(flagsPath, "'" + flags + "': " + ex.getMessage());
        }
    }

    private static ServiceType type(final String text)
    {
        // spec.type defaults to ClusterIP.
        if (text == null || text.isEmpty())
        {
            return ServiceType.CLUSTER_IP;
        }
        switch (text)
        {
            case "ClusterIP":
                return ServiceType.CLUSTER_IP;
            case "NodePort":
                return ServiceType.NODE_PORT;
            case "LoadBalancer":
                return ServiceType.LOAD_BALANCER;
            case "ExternalName":
                return ServiceType.EXTERNAL_NAME;
            default:
                throw new ObjectError("spec.type",
                    "'" + text + "' is not ClusterIP, NodePort, LoadBalancer or ExternalName");
        }
    }

    /**
     * ServicePort.targetPort is a port number or a port name: kubernetes pkg/apis/core/validation/validation.go,
     * {@code validateServicePort} through {@code ValidatePortNumOrName} (1..65535, or an IANA service name). The
     * backends' ports come from the EndpointSlices; the field is checked so that a Service the API server
     * refuses is refused here too.
     */
    private static void targetPort(final JsonNode entry, final String path)
    {
        final JsonNode value = JsonFields.get(entry, "targetPort");
        if (value == null || value.isNull())
        {
            return;
        }
        if (value.isTextual())
        {
            final String name = value.textValue();
            if (!IANA_SERVICE_NAME.matcher(name).matches() || name.length() > 15 || name.contains("--") ||
                name.chars().noneMatch(Character::isLetter))
            {
                throw new ObjectError(JsonFields.path(path, "targetPort"), "'" + name + "' is neither a port " +
                    "number nor a port name (at most 15 lower-case letters, digits and inner hyphens, one letter)");
            }
            return;
        }
        JsonFields.integer(entry, path, "targetPort", 1, 65535, 0);
    }

    private static List<ServicePortSpec> ports(final JsonNode spec, final ServiceType type)
    {
        final JsonNode list = JsonFields.array(spec, "spec", "ports");
        final List<ServicePortSpec> ports = new ArrayList<>();
        if (list == null)
        {
            return ports;
        }
        final Map<String, Integer> byName = new HashMap<>();
        final Map<String, Integer> byPort = new HashMap<>();
        for (int i = 0; i < list.size(); i++)
        {
            final String path = JsonFields.index("spec.ports", i);
            final JsonNode entry = list.get(i);
            if (!entry.isObject())
            {
                throw new ObjectError(path, "must be an object, found " + JsonFields.describe(entry));
            }
            final String portName = nonNull(JsonFields.string(entry, path, "name"));
            final Protocol protocol = JsonFields.protocol(entry, path);
            if (JsonFields.get(entry, "port") == null)
            {
                throw new ObjectError(JsonFields.path(path, "port"), "is required");
            }
            final int port = (int)JsonFields.integer(entry, path, "port", 1, 65535, 0);
            final int nodePort = (int)JsonFields.integer(entry, path, "nodePort", 0, 65535, 0);
            targetPort(entry, path);
            // ServiceSpec validation: nodePort may only be set when type is NodePort or LoadBalancer.
            if (nodePort != 0 && !type.hasNodePorts())
            {
                throw new ObjectError(JsonFields.path(path, "nodePort"),
                    nodePort + " is only allowed for NodePort and LoadBalancer Services");
            }
            // ServicePort.name: all ports must have unique names, and a name is required when there are several
            // ports, so two unnamed ports are duplicates too.
            final Integer sameName = byName.putIfAbsent(portName, i);
            if (sameName != null)
            {
                throw new ObjectError(JsonFields.path(path, "name"), portName.isEmpty() ?
                    "is required when the Service has more than one port (spec.ports[" + sameName + "] is unnamed)" :
                    "'" + portName + "' duplicates the name of spec.ports[" + sameName + "]");
            }
            // ServiceSpec validation: (port, protocol) pairs must be unique.
            final Integer samePort = byPort.putIfAbsent(port + "/" + protocol, i);
            if (samePort != null)
            {
                throw new ObjectError(path, "duplicates port " + port + "/" + protocol + " of spec.ports[" +
                    samePort + "]");
            }
            ports.add(new ServicePortSpec(portName, port, protocol, nodePort));
        }
        // Kubernetes ValidateService: port names are required when there is more than one port, so a Service
        // with one named and one unnamed port is refused too (two unnamed ports are caught above as duplicates).
        if (list.size() > 1)
        {
            for (int i = 0; i < ports.size(); i++)
            {
                if (ports.get(i).name().isEmpty())
                {
                    throw new ObjectError(JsonFields.path(JsonFields.index("spec.ports", i), "name"),
                        "is required when the Service has more than one port");
                }
            }
        }
        return ports;
    }

    private static List<String> clusterIps(final JsonNode spec)
    {
        final List<String> listed = JsonFields.strings(spec, "spec", "clusterIPs");
        final String single = JsonFields.string(spec, "spec", "clusterIP");
        if (listed.isEmpty())
        {
            // Objects written before dual-stack carry spec.clusterIP only.
            if (single == null || single.isEmpty() || HEADLESS.equals(single))
            {
                return List.of();
            }
            return List.of(JsonFields.ip(single, "spec.clusterIP"));
        }
        // ServiceSpec validation: when both are set, spec.clusterIPs[0] equals spec.clusterIP.
        if (single != null && !single.isEmpty() && !single.equals(listed.get(0)))
        {
            throw new ObjectError("spec.clusterIP", "'" + single + "' differs from spec.clusterIPs[0] '" +
                listed.get(0) + "'");
        }
        // "None" (or an empty value) makes the Service headless: no virtual IP, hence no ClusterIP frontend.
        if (HEADLESS.equals(listed.get(0)) || listed.get(0).isEmpty())
        {
            return List.of();
        }
        if (listed.size() > 2)
        {
            throw new ObjectError("spec.clusterIPs", "has " + listed.size() +
                " addresses; at most two, one per IP family");
        }
        // Dual-stack: two cluster IPs must be one IPv4 and one IPv6 address.
        final List<String> ips = new ArrayList<>(listed.size());
        for (int i = 0; i < listed.size(); i++)
        {
            ips.add(JsonFields.ip(listed.get(i), JsonFields.index("spec.clusterIPs", i)));
        }
        if (ips.size() == 2 && ips.get(0).contains(":") == ips.get(1).contains(":"))
        {
            throw new ObjectError("spec.clusterIPs[1]", "'" + listed.get(1) +
                "' has the same IP family as spec.clusterIPs[0]; dual-stack needs one IPv4 and one IPv6 address");
        }
        return ips;
    }

    private static List<String> addresses(final JsonNode parent, final String parentPath, final String field)
    {
        final List<String> listed = JsonFields.strings(parent, parentPath, field);
        final List<String> ips = new ArrayList<>(listed.size());
        for (int i = 0; i < listed.size(); i++)
        {
            ips.add(JsonFields.ip(listed.get(i), JsonFields.index(JsonFields.path(parentPath, field), i)));
        }
        return ips;
    }

    private static List<String> loadBalancerIps(final JsonNode status)
    {
        final JsonNode loadBalancer = JsonFields.object(status, "status", "loadBalancer");
        final JsonNode ingress = JsonFields.array(loadBalancer, "status.loadBalancer", "ingress");
        final List<String> ips = new ArrayList<>();
        if (ingress == null)
        {
            return ips;
        }
        for (int i = 0; i < ingress.size(); i++)
        {
            final String path = JsonFields.index("status.loadBalancer.ingress", i);
            final JsonNode entry = ingress.get(i);
            if (!entry.isObject())
            {
                throw new ObjectError(path, "must be an object, found " + JsonFields.describe(entry));
            }
            final String ip = JsonFields.string(entry, path, "ip");
            // Hostname-only entries (some cloud load balancers) give no address to match on.
            if (ip == null || ip.isEmpty())
            {
                continue;
            }
            final String address = JsonFields.ip(ip, JsonFields.path(path, "ip"));
            // LoadBalancerIngress.ipMode: with "Proxy" the load balancer forwards to the nodes itself and the
            // node must not capture traffic for the IP; only "VIP" (the default) makes it a frontend.
            final String ipMode = JsonFields.string(entry, path, "ipMode");
            if (ipMode != null && !"VIP".equals(ipMode))
            {
                if (!"Proxy".equals(ipMode))
                {
                    throw new ObjectError(JsonFields.path(path, "ipMode"), "'" + ipMode + "' is not VIP or Proxy");
                }
                continue;
            }
            ips.add(address);
        }
        return ips;
    }

    private static List<String> sourceRanges(final JsonNode spec, final JsonNode annotations)
    {
        List<String> ranges = JsonFields.strings(spec, "spec", "loadBalancerSourceRanges");
        String path = "spec.loadBalancerSourceRanges";
        boolean indexed = true;
        // When the field is empty, the legacy annotation (comma-separated CIDRs) applies, as in kube-proxy's
        // GetLoadBalancerSourceRanges.
        if (ranges.isEmpty())
        {
            final String annotation =
                JsonFields.string(annotations, "metadata.annotations", SOURCE_RANGES_ANNOTATION);
            if (annotation != null && !annotation.isBlank())
            {
                ranges = List.of(annotation.split(","));
                path = JsonFields.path("metadata.annotations", SOURCE_RANGES_ANNOTATION);
                indexed = false;
            }
        }
        final List<String> cidrs = new ArrayList<>(ranges.size());
        for (int i = 0; i < ranges.size(); i++)
        {
            // Surrounding spaces are tolerated, as the API server's validation trims them; leading zeros are read
            // in decimal, as kube-proxy's ParseCIDRSloppy reads them.
            final String cidr = JsonFields.cidr(ranges.get(i).trim());
            validateCidr(cidr, indexed ? JsonFields.index(path, i) : path);
            cidrs.add(cidr);
        }
        return cidrs;
    }

    private static void validateCidr(final String cidr, final String path)
    {
        try
        {
            Addresses.parseCidr(cidr);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ObjectError(path, "'" + cidr + "' is not a valid CIDR: " + ex.getMessage());
        }
    }

    private static int affinityTimeout(final JsonNode spec)
    {
        final String affinity = JsonFields.string(spec, "spec", "sessionAffinity");
        if (affinity == null || affinity.isEmpty() || "None".equals(affinity))
        {
            return 0;
        }
        if (!"ClientIP".equals(affinity))
        {
            throw new ObjectError("spec.sessionAffinity", "'" + affinity + "' is not None or ClientIP");
        }
        // ClientIPConfig.timeoutSeconds: default 10800 (3 hours), valid 1..86400.
        final JsonNode config = JsonFields.object(spec, "spec", "sessionAffinityConfig");
        final JsonNode clientIp = JsonFields.object(config, "spec.sessionAffinityConfig", "clientIP");
        return (int)JsonFields.integer(clientIp, "spec.sessionAffinityConfig.clientIP", "timeoutSeconds", 1,
            ServiceSpec.MAX_AFFINITY_TIMEOUT_SECONDS, ServiceSpec.DEFAULT_AFFINITY_TIMEOUT_SECONDS);
    }

    /**
     * @return true for {@code Local}; {@code Cluster} or absent (the API default) is false. The values are
     * case-sensitive and nothing else is accepted.
     */
    private static boolean trafficPolicy(final JsonNode spec, final String field)
    {
        final String policy = JsonFields.string(spec, "spec", field);
        if (policy == null || policy.isEmpty() || "Cluster".equals(policy))
        {
            return false;
        }
        if ("Local".equals(policy))
        {
            return true;
        }
        throw new ObjectError(JsonFields.path("spec", field), "'" + policy + "' is not Cluster or Local");
    }

    /**
     * {@code spec.trafficDistribution} is checked as the API server checks it and otherwise ignored: kube-proxy never
     * reads it; the EndpointSlice controller turns it into the hints kube-proxy follows
     * ({@code staging/src/k8s.io/endpointslice/trafficdist/trafficdist.go} {@code ReconcileHints}).
     */
    private static void validateTrafficDistribution(final JsonNode spec)
    {
        final String value = JsonFields.string(spec, "spec", "trafficDistribution");
        if (value != null && !List.of("PreferClose", "PreferSameZone", "PreferSameNode").contains(value))
        {
            throw new ObjectError(JsonFields.path("spec", "trafficDistribution"),
                "'" + value + "' is not PreferClose, PreferSameZone or PreferSameNode");
        }
    }

    private static String nonNull(final String text)
    {
        return text == null ? "" : text;
    }
}
