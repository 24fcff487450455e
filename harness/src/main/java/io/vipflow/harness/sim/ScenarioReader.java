package io.vipflow.harness.sim;

import io.vipflow.harness.gen.ChurnAction;
import io.vipflow.harness.gen.ClusterGenerator;
import io.vipflow.harness.gen.ClusterShape;
import io.vipflow.harness.gen.PortShape;
import io.vipflow.harness.gen.ServiceShape;
import io.vipflow.harness.gen.TrafficGenerator;
import io.vipflow.harness.gen.TrafficModel;
import io.vipflow.sched.Schedulers;
import io.vipflow.service.Protocol;

import java.nio.charset.CharacterCodingException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a scenario from YAML (the format is documented in {@code harness/src/main/resources/scenarios/README.md}
 * and shown by the shipped scenarios). Every error names the file, the position and the field.
 * <p>
 * Thread contract: stateless; safe from any thread.
 */
public final class ScenarioReader
{
    /** Scenarios shipped with vipflow, by name. */
    public static final List<String> SHIPPED = List.of("rolling-update-50", "node-failure", "crash-loop",
        "syn-flood-rollout", "fleet-scale-out", "fleet-failover");
    private static final double MAX_SECONDS = 86_400;

    private ScenarioReader()
    {
    }

    /**
     * @param nameOrPath a file, or the name of a shipped scenario ({@code rolling-update-50}).
     * @throws ScenarioFormatException when the file breaks the format.
     * @throws IOException             when it cannot be read or no such scenario exists.
     */
    public static Scenario load(final String nameOrPath) throws IOException
    {
        final Path file = Path.of(nameOrPath);
        if (Files.isRegularFile(file))
        {
            final String text;
            try
            {
                text = Files.readString(file, StandardCharsets.UTF_8);
            }
            catch (final CharacterCodingException ex)
            {
                throw new ScenarioFormatException(file.toString(), 0, 0, "", "not UTF-8 text");
            }
            return parse(file.getFileName().toString(), text);
        }
        final String name = nameOrPath.endsWith(".yaml") ? nameOrPath.substring(0, nameOrPath.length() - 5) :
            nameOrPath;
        try (InputStream in = ScenarioReader.class.getResourceAsStream("/scenarios/" + name + ".yaml"))
        {
            if (in == null || name.contains("/"))
            {
                throw new IOException(nameOrPath + ": no such file, and not a shipped scenario (" +
                    String.join(", ", SHIPPED) + ")");
            }
            return parse(name + ".yaml", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /**
     * @param source name for error messages.
     * @param text   the YAML.
     */
    public static Scenario parse(final String source, final String text) throws ScenarioFormatException
    {
        final YamlTree tree = YamlTree.parse(source, text);
        final ScenarioFields top = new ScenarioFields(tree, tree.root, "");
        top.allow("name", "description", "seed", "durationSeconds", "schedulers", "cluster", "churn", "traffic",
            "fleet");
        final double duration = top.number("durationSeconds", 0.001, MAX_SECONDS);
        final ClusterShape cluster = cluster(top.object("cluster"));
        final Set<String> serviceNames = new HashSet<>();
        cluster.services().forEach(s -> names(serviceNames, s));
        final List<ChurnAction> churn = new ArrayList<>();
        for (final ScenarioFields step : top.objects("churn"))
        {
            churn.add(action(step, cluster.nodes(), serviceNames, duration));
        }
        final List<String> schedulers = top.strings("schedulers", List.of("maglev"));
        for (int i = 0; i < schedulers.size(); i++)
        {
            if (!Schedulers.NAMES.contains(schedulers.get(i)))
            {
                throw tree.error("schedulers[" + i + "]", "unknown scheduler '" + schedulers.get(i) + "' (one of " +
                    Schedulers.NAMES + ")");
            }
            if (schedulers.indexOf(schedulers.get(i)) < i)
            {
                throw tree.error("schedulers[" + i + "]", "'" + schedulers.get(i) + "' is listed twice");
            }
        }
        if (schedulers.isEmpty())
        {
            throw top.error("schedulers", "at least one scheduler is needed");
        }
        final TrafficModel traffic = top.has("traffic") ? traffic(top.object("traffic"), serviceNames, duration) :
            TrafficModel.defaults();
        final FleetPlan fleet = top.has("fleet") ? fleet(top.object("fleet"), duration) : FleetPlan.single();
        try
        {
            return new Scenario(top.string("name"), top.string("description", top.string("name")),
                top.whole("seed", 1, Long.MIN_VALUE, Long.MAX_VALUE), duration, cluster, churn, traffic, schedulers,
                fleet);
        }
        catch (final IllegalArgumentException ex)
        {
            throw top.error(null, ex.getMessage());
        }
    }

    private static void names(final Set<String> names, final ServiceShape s)
    {
        names.add(s.name());
        names.add(s.key());
    }

    private static ClusterShape cluster(final ScenarioFields f) throws ScenarioFormatException
    {
        f.allow("nodes", "services");
        final int nodes = (int)f.whole("nodes", 1, ClusterGenerator.MAX_NODES);
        final List<ServiceShape> services = new ArrayList<>();
        final Set<String> keys = new HashSet<>();
        for (final ScenarioFields s : f.objects("services"))
        {
            final ServiceShape shape = service(s);
            if (!keys.add(shape.key()))
            {
                throw s.error("name", "Service " + shape.key() + " declared twice");
            }
            services.add(shape);
        }
        return new ClusterShape(nodes, services);
    }

    private static ServiceShape service(final ScenarioFields f) throws ScenarioFormatException
    {
        f.allow("name", "namespace", "replicas", "families", "readinessSeconds", "terminationGraceSeconds",
            "sessionAffinitySeconds", "ports", "trafficDistribution");
        final String distribution = f.string("trafficDistribution", null);
        if (distribution != null && !ServiceShape.TRAFFIC_DISTRIBUTIONS.contains(distribution))
        {
            throw f.error("trafficDistribution", "'" + distribution + "' is not one of " +
                ServiceShape.TRAFFIC_DISTRIBUTIONS);
        }
        final List<String> families = f.strings("families", List.of("IPv4"));
        for (int i = 0; i < families.size(); i++)
        {
            if (!families.get(i).equals("IPv4") && !families.get(i).equals("IPv6"))
            {
                throw f.error("families[" + i + "]", "'" + families.get(i) + "' is neither IPv4 nor IPv6");
            }
        }
        if (families.isEmpty())
        {
            throw f.error("families", "at least one of IPv4 and IPv6 is needed");
        }
        final List<PortShape> ports = new ArrayList<>();
        for (final ScenarioFields p : f.objects("ports"))
        {
            p.allow("name", "port", "targetPort", "protocol");
            final int port = (int)p.whole("port", 1, 65535);
            final Protocol protocol;
            try
            {
                protocol = Protocol.parse(p.string("protocol", "TCP"));
            }
            catch (final IllegalArgumentException ex)
            {
                throw p.error("protocol", ex.getMessage());
            }
            ports.add(new PortShape(p.string("name", ""), port, (int)p.whole("targetPort", port, 1, 65535), protocol));
        }
        if (ports.isEmpty())
        {
            throw f.error("ports", "a Service needs at least one port");
        }
        return new ServiceShape(f.string("namespace", "default"), f.string("name"),
            (int)f.whole("replicas", 0, 100_000), ports, families.contains("IPv4"), families.contains("IPv6"),
            f.number("readinessSeconds", 5, 0, MAX_SECONDS), f.number("terminationGraceSeconds", 30, 0, MAX_SECONDS),
            (int)f.whole("sessionAffinitySeconds", 0, 0, 86_400), distribution);
    }

    private static ChurnAction action(final ScenarioFields f, final int nodes, final Set<String> services,
        final double duration) throws ScenarioFormatException
    {
        f.allow("at", "rollingUpdate", "scale", "crashLoop", "nodeFailure", "addService", "removeService");
        final double at = f.number("at", 0, MAX_SECONDS);
        if (at >= duration)
        {
            throw f.error("at", at + " is not before the scenario's end (durationSeconds " + duration + ")");
        }
        final String kind = f.oneOf("rollingUpdate", "scale", "crashLoop", "nodeFailure", "addService",
            "removeService");
        final ScenarioFields a = f.object(kind);
        switch (kind)
        {
            case "rollingUpdate":
                a.allow("service", "maxSurge", "maxUnavailable");
                final ChurnAction.Amount surge = amount(a, "maxSurge");
                final ChurnAction.Amount unavailable = amount(a, "maxUnavailable");
                if (surge.value() == 0 && unavailable.value() == 0)
                {
                    throw a.error("maxUnavailable", "may not be 0 when maxSurge is 0");
                }
                return new ChurnAction.RollingUpdate(at, service(a, services), surge, unavailable);
            case "scale":
                a.allow("service", "replicas");
                return new ChurnAction.Scale(at, service(a, services), (int)a.whole("replicas", 0, 100_000));
            case "crashLoop":
                a.allow("service", "pods", "restarts", "uptimeSeconds");
                return new ChurnAction.CrashLoop(at, service(a, services), (int)a.whole("pods", 1, 1, 100_000),
                    (int)a.whole("restarts", 3, 1, 1_000), a.number("uptimeSeconds", 10, 0, MAX_SECONDS));
            case "nodeFailure":
                a.allow("node", "notReadySeconds");
                return new ChurnAction.NodeFailure(at, (int)a.whole("node", 1, nodes),
                    a.number("notReadySeconds", 0, 0, MAX_SECONDS));
            case "addService":
                final ServiceShape shape = service(a);
                names(services, shape);
                return new ChurnAction.AddService(at, shape);
            default:
                a.allow("service");
                return new ChurnAction.RemoveService(at, service(a, services));
        }
    }

    private static ChurnAction.Amount amount(final ScenarioFields a, final String key) throws ScenarioFormatException
    {
        try
        {
            return ChurnAction.Amount.parse(a.string(key, "25%"));
        }
        catch (final IllegalArgumentException ex)
        {
            throw a.error(key, ex.getMessage());
        }
    }

    private static String service(final ScenarioFields a, final Set<String> services) throws ScenarioFormatException
    {
        final String name = a.string("service");
        if (!services.contains(name))
        {
            throw a.error("service", "no Service '" + name + "' is declared before this point");
        }
        return name;
    }

    private static TrafficModel traffic(final ScenarioFields f, final Set<String> services,
        final double duration)
        throws ScenarioFormatException
    {
        f.allow("packetsPerSecond", "clients", "clientZipf", "serviceZipf", "mix", "ipv6Share", "http", "longLived",
            "dns", "attacks");
        final TrafficModel d = TrafficModel.defaults();
        double http = d.httpShare();
        double lng = d.longShare();
        double dns = d.dnsShare();
        if (f.has("mix"))
        {
            final ScenarioFields m = f.object("mix");
            m.allow("http", "longLived", "dns");
            http = m.number("http", 0, 0, 1e9);
            lng = m.number("longLived", 0, 0, 1e9);
            dns = m.number("dns", 0, 0, 1e9);
            if (http + lng + dns <= 0)
            {
                throw f.error("mix", "the shares must not all be 0");
            }
        }
        final ScenarioFields h = f.has("http") ? f.object("http") : null;
        final ScenarioFields l = f.has("longLived") ? f.object("longLived") : null;
        final ScenarioFields n = f.has("dns") ? f.object("dns") : null;
        if (h != null)
        {
            h.allow("minDataPackets", "maxDataPackets", "rstShare");
        }
        if (l != null)
        {
            l.allow("meanSeconds", "intervalSeconds");
        }
        if (n != null)
        {
            n.allow("retryShare");
        }
        final int minData = h == null ? d.httpMinData() : (int)h.whole("minDataPackets", d.httpMinData(), 0, 10_000);
        final int maxData = h == null ? d.httpMaxData() :
            (int)h.whole("maxDataPackets", Math.max(minData, d.httpMaxData()), minData, 10_000);
        final List<TrafficModel.Attack> attacks = new ArrayList<>();
        for (final ScenarioFields a : f.objects("attacks"))
        {
            attacks.add(attack(a, services, duration));
        }
        return new TrafficModel(f.number("packetsPerSecond", d.packetsPerSecond(), 1e-3, 1e9),
            (int)f.whole("clients", d.clients(), 1, TrafficGenerator.MAX_CLIENTS),
            f.number("clientZipf", d.clientZipf(), 0, 10), f.number("serviceZipf", d.serviceZipf(), 0, 10),
            http, lng, dns, f.number("ipv6Share", d.ipv6Share(), 0, 1), minData, maxData,
            h == null ? d.httpRstShare() : h.number("rstShare", d.httpRstShare(), 0, 1),
            l == null ? d.longMeanSeconds() : l.number("meanSeconds", d.longMeanSeconds(), 1e-3, MAX_SECONDS),
            l == null ? d.longIntervalSeconds() :
                l.number("intervalSeconds", d.longIntervalSeconds(), 1e-3, MAX_SECONDS),
            n == null ? d.dnsRetryShare() : n.number("retryShare", d.dnsRetryShare(), 0, 1), attacks);
    }

    private static TrafficModel.Attack attack(final ScenarioFields f, final Set<String> services,
        final double duration)
        throws ScenarioFormatException
    {
        f.allow("synFlood", "scan");
        final String kind = f.oneOf("synFlood", "scan");
        final ScenarioFields a = f.object(kind);
        a.allow("from", "to", "ratio", "service", "sources");
        final double from = a.number("from", 0, MAX_SECONDS);
        if (from >= duration)
        {
            throw a.error("from", from + " is not before the scenario's end (durationSeconds " + duration + ")");
        }
        final double to = a.number("to", 0, MAX_SECONDS);
        if (to <= from)
        {
            throw a.error("to", "must be later than from (" + from + ")");
        }
        final String service = a.has("service") ? service(a, services) : null;
        return new TrafficModel.Attack(kind.equals("synFlood") ? TrafficModel.Attack.Kind.SYN_FLOOD :
            TrafficModel.Attack.Kind.SCAN, from, to, a.number("ratio", 1, 1e-6, 1e6), service,
            (int)a.whole("sources", 500, 1, 1 << 20));
    }

    private static FleetPlan fleet(final ScenarioFields f, final double duration) throws ScenarioFormatException
    {
        f.allow("instances", "change", "at");
        final int instances = (int)f.whole("instances", 1, FleetPlan.MAX_INSTANCES);
        final String change = f.string("change", "none");
        final int delta;
        switch (change)
        {
            case "add": delta = 1; break;
            case "remove": delta = -1; break;
            case "none": delta = 0; break;
            default: throw f.error("change", "'" + change + "' is not one of add, remove, none");
        }
        if (delta == -1 && instances < 2)
        {
            throw f.error("change", "removing an instance needs at least 2");
        }
        final double at = delta == 0 ? 0 : f.number("at", duration / 2, 0, MAX_SECONDS);
        if (delta != 0 && at >= duration)
        {
            throw f.error("at", at + " is not before the scenario's end (durationSeconds " + duration + ")");
        }
        return new FleetPlan(instances, delta, at);
    }
}
