package io.vipflow.harness.gen;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vipflow.testkit.ChurnEvent;
import io.vipflow.harness.k8s.ClusterObjects;
import io.vipflow.service.EndpointPortSpec;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.EndpointSpec;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Generated objects written as the API server serves them: {@code v1 Service} and
 * {@code discovery.k8s.io/v1 EndpointSlice} JSON, a {@code kubectl get svc,endpointslices -o json} list for the
 * initial cluster and a JSON Lines watch log for the churn, which {@code vipflow replay} and the Kubernetes
 * readers accept as they accept captured ones.
 * <p>
 * Thread contract: stateless; any thread.
 */
public final class KubeJson
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private KubeJson()
    {
    }

    /**
     * @param s           the Service.
     * @param targetPorts container port by Service port name, as the Service's EndpointSlices resolve them; a port
     *                    without one targets its own number (the API default).
     * @param distribution {@code spec.trafficDistribution}, or null for none
     */
    public static ObjectNode service(final ServiceSpec s, final Map<String, Integer> targetPorts,
        final String distribution)
    {
        final ObjectNode o = JSON.createObjectNode();
        o.put("apiVersion", "v1");
        o.put("kind", "Service");
        metadata(o, s.namespace(), s.name());
        final ObjectNode spec = o.putObject("spec");
        spec.put("type", "ClusterIP");
        spec.put("clusterIP", s.clusterIps().isEmpty() ? "None" : s.clusterIps().get(0));
        final ArrayNode ips = spec.putArray("clusterIPs");
        final ArrayNode families = spec.putArray("ipFamilies");
        for (final String ip : s.clusterIps())
        {
            ips.add(ip);
            families.add(ip.contains(":") ? "IPv6" : "IPv4");
        }
        spec.put("ipFamilyPolicy", s.clusterIps().size() > 1 ? "RequireDualStack" : "SingleStack");
        final ArrayNode ports = spec.putArray("ports");
        for (final ServicePortSpec p : s.ports())
        {
            final ObjectNode port = ports.addObject();
            port.put("name", p.name());
            port.put("port", p.port());
            port.put("targetPort", targetPorts.getOrDefault(p.name(), p.port()));
            port.put("protocol", p.protocol().name());
        }
        if (distribution != null)
        {
            spec.put("trafficDistribution", distribution);
        }
        spec.put("sessionAffinity", s.affinityTimeoutSeconds() > 0 ? "ClientIP" : "None");
        if (s.affinityTimeoutSeconds() > 0)
        {
            spec.putObject("sessionAffinityConfig").putObject("clientIP")
                .put("timeoutSeconds", s.affinityTimeoutSeconds());
        }
        return o;
    }

    public static ObjectNode slice(final EndpointSliceSpec s)
    {
        final ObjectNode o = JSON.createObjectNode();
        o.put("apiVersion", "discovery.k8s.io/v1");
        o.put("kind", "EndpointSlice");
        metadata(o, s.namespace(), s.name()).putObject("labels")
            .put("kubernetes.io/service-name", s.serviceName())
            .put("endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io");
        o.put("addressType", s.ipv6() ? "IPv6" : "IPv4");
        final ArrayNode ports = o.putArray("ports");
        for (final EndpointPortSpec p : s.ports())
        {
            ports.addObject().put("name", p.name()).put("port", p.port()).put("protocol", p.protocol().name());
        }
        final ArrayNode endpoints = o.putArray("endpoints");
        for (final EndpointSpec e : s.endpoints())
        {
            final ObjectNode ep = endpoints.addObject();
            final ArrayNode addresses = ep.putArray("addresses");
            e.addresses().forEach(addresses::add);
            ep.putObject("conditions").put("ready", e.ready()).put("serving", e.serving())
                .put("terminating", e.terminating());
            if (!e.nodeName().isEmpty())
            {
                ep.put("nodeName", e.nodeName());
            }
            if (!e.zone().isEmpty())
            {
                ep.put("zone", e.zone());
            }
            if (!e.zoneHints().isEmpty() || !e.nodeHints().isEmpty())
            {
                final ObjectNode hints = ep.putObject("hints");
                if (!e.zoneHints().isEmpty())
                {
                    final ArrayNode zones = hints.putArray("forZones");
                    new TreeSet<>(e.zoneHints()).forEach(z -> zones.addObject().put("name", z));
                }
                if (!e.nodeHints().isEmpty())
                {
                    final ArrayNode nodes = hints.putArray("forNodes");
                    new TreeSet<>(e.nodeHints()).forEach(n -> nodes.addObject().put("name", n));
                }
            }
        }
        return o;
    }

    /** The initial cluster as {@code kubectl get svc,endpointslices -o json} prints it. */
    public static String clusterFile(final ClusterObjects objects)
    {
        final Map<String, Map<String, Integer>> targets = targetPorts(objects.slices());
        final ObjectNode list = JSON.createObjectNode();
        list.put("apiVersion", "v1");
        list.put("kind", "List");
        final ArrayNode items = list.putArray("items");
        for (final ServiceSpec s : objects.services())
        {
            items.add(service(s, targets.getOrDefault(s.key(), Map.of()), distribution(s, objects.slices())));
        }
        objects.slices().forEach(s -> items.add(slice(s)));
        return write(list) + "\n";
    }

    /**
     * The churn as a watch log: one {@code {"at": SECONDS, "type": ..., "object": ...}} line per event; a deletion
     * carries the object's identity only.
     *
     * @param knownSlices slices the Services' target ports may be read from (the initial ones; later ones are
     *                    added as the log is written).
     */
    public static String churnFile(final List<ChurnEvent> events, final List<EndpointSliceSpec> knownSlices)
    {
        final Map<String, Map<String, Integer>> targets = targetPorts(knownSlices);
        events.stream().filter(e -> e.slice() != null).forEach(e -> targets.computeIfAbsent(e.slice().serviceKey(),
            k -> new HashMap<>()).putAll(portsOf(e.slice())));
        final StringBuilder sb = new StringBuilder();
        for (final ChurnEvent e : events)
        {
            final ObjectNode line = JSON.createObjectNode();
            line.put("at", e.atSeconds());
            line.put("type", e.type().name());
            final ObjectNode object;
            if (e.service() != null)
            {
                object = service(e.service(), targets.getOrDefault(e.service().key(), Map.of()),
                    distribution(e.service(), knownSlices));
            }
            else if (e.slice() != null)
            {
                object = slice(e.slice());
            }
            else
            {
                object = JSON.createObjectNode();
                final boolean service = e.kind() == ChurnEvent.Kind.SERVICE;
                object.put("apiVersion", service ? "v1" : "discovery.k8s.io/v1");
                object.put("kind", service ? "Service" : "EndpointSlice");
                metadata(object, e.namespace(), e.name());
            }
            line.set("object", object);
            sb.append(write(line)).append('\n');
        }
        return sb.toString();
    }

    private static Map<String, Map<String, Integer>> targetPorts(final List<EndpointSliceSpec> slices)
    {
        final Map<String, Map<String, Integer>> out = new HashMap<>();
        for (final EndpointSliceSpec s : slices)
        {
            out.computeIfAbsent(s.serviceKey(), k -> new HashMap<>()).putAll(portsOf(s));
        }
        return out;
    }

    /**
     * The {@code trafficDistribution} that made the EndpointSlice controller write the hints a Service's slices carry
     * ({@code trafficdist.go} {@code ReconcileHints}: node hints only for {@code PreferSameNode}, zone hints for it and
     * for {@code PreferClose}); null when they carry none.
     */
    private static String distribution(final ServiceSpec service, final List<EndpointSliceSpec> slices)
    {
        boolean zones = false;
        for (final EndpointSliceSpec slice : slices)
        {
            if (!slice.serviceKey().equals(service.key()))
            {
                continue;
            }
            for (final EndpointSpec e : slice.endpoints())
            {
                if (!e.nodeHints().isEmpty())
                {
                    return "PreferSameNode";
                }
                zones |= !e.zoneHints().isEmpty();
            }
        }
        return zones ? "PreferClose" : null;
    }

    private static Map<String, Integer> portsOf(final EndpointSliceSpec s)
    {
        final Map<String, Integer> out = new HashMap<>();
        s.ports().forEach(p -> out.put(p.name(), p.port()));
        return out;
    }

    private static ObjectNode metadata(final ObjectNode o, final String namespace, final String name)
    {
        return o.putObject("metadata").put("name", name).put("namespace", namespace);
    }

    private static String write(final ObjectNode node)
    {
        try
        {
            return JSON.writeValueAsString(node);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
