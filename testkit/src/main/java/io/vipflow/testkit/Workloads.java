package io.vipflow.testkit;

import io.vipflow.packet.PacketTuple;
import io.vipflow.service.EndpointPortSpec;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.EndpointSpec;
import io.vipflow.service.Protocol;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;
import io.vipflow.service.ServiceType;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.generators.Generate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * QuickTheories generators of {@link Workload}s made of core's spec types: Services (ClusterIP, NodePort,
 * LoadBalancer; IPv4 or IPv6; TCP, UDP and SCTP ports; ClientIP affinity; {@code externalTrafficPolicy: Local}) with
 * one EndpointSlice each, changes to them (endpoints added, removed, turning not ready, Services deleted), and client
 * flows (TCP handshakes, data and FIN or RST; UDP exchanges; SCTP INIT, DATA and ABORT; a SYN flood from spoofed
 * sources).
 * <p>
 * Every value is drawn from QuickTheories' randomness and shrinks toward the simplest case: every feature is
 * switched on by a draw whose shrink target is "off" (IPv4, no UDP or SCTP, no affinity, no NodePort or
 * LoadBalancer, no Local policy, no attack, every endpoint ready), and every count shrinks toward its minimum (one
 * Service, one endpoint,
 * no changes, one flow, one packet per flow). Nothing else is random, so a seed gives the same workloads and the
 * same shrunk counterexample every time.
 * <p>
 * Thread contract: stateless; any thread.
 */
public final class Workloads
{
    /** The node the proxy under test runs on. */
    public static final String NODE_NAME = "node-1";
    /** That node's address, where NodePorts are reached (IPv4 only: an IPv6 Service is reached at its ClusterIP and
     * load-balancer address). */
    public static final String NODE_IP = "192.168.1.11";
    /** Nodes endpoints run on: {@code node-1} (the proxy's) to {@code node-3}. */
    public static final int NODES = 3;

    private static final String NAMESPACE = "default";
    private static final int HTTP_TARGET = 8080;
    private static final int DNS_TARGET = 5353;
    private static final int DIAMETER_TARGET = 3868;
    private static final long MILLI = 1_000_000L;

    /**
     * Bounds of generated workloads. A feature switched off is never generated; a count is drawn from 1 (changes: 0)
     * to its bound. Every case draws the values of the largest case (the counts decide how many are used), so the
     * cost of generating one grows with the bounds, not with the counts drawn.
     *
     * @param maxServices       Services at time 0.
     * @param maxEndpoints      endpoints per Service at time 0 (at least one is drawn unless shrinking finds 0).
     * @param maxChanges        changes while traffic flows.
     * @param maxFlows          client flows.
     * @param maxPacketsPerFlow packets of one flow.
     * @param durationMillis    the span flows start and changes happen in, milliseconds.
     * @param udp               whether Services may have a UDP port.
     * @param affinity          whether Services may have ClientIP affinity.
     * @param external          whether Services may be NodePort or LoadBalancer (and use the Local traffic policy).
     * @param attacks           whether a SYN flood from spoofed sources may join the traffic.
     * @param ipv6              whether Services may be single-stack IPv6 (with an IPv6 EndpointSlice and clients).
     * @param sctp              whether Services may have an SCTP port.
     */
    public record Limits(int maxServices, int maxEndpoints, int maxChanges, int maxFlows, int maxPacketsPerFlow,
        int durationMillis, boolean udp, boolean affinity, boolean external, boolean attacks, boolean ipv6,
        boolean sctp)
    {
        /**
         * Checks the bounds.
         *
         * @param maxServices as {@link #maxServices()}.
         * @param maxEndpoints as {@link #maxEndpoints()}.
         * @param maxChanges as {@link #maxChanges()}.
         * @param maxFlows as {@link #maxFlows()}.
         * @param maxPacketsPerFlow as {@link #maxPacketsPerFlow()}.
         * @param durationMillis as {@link #durationMillis()}.
         * @param udp as {@link #udp()}.
         * @param affinity as {@link #affinity()}.
         * @param external as {@link #external()}.
         * @param attacks as {@link #attacks()}.
         * @param ipv6 as {@link #ipv6()}.
         * @param sctp as {@link #sctp()}.
         * @throws IllegalArgumentException when a bound is out of its range.
         */
        public Limits
        {
            check("maxServices", maxServices, 1, 50);
            check("maxEndpoints", maxEndpoints, 0, 15);
            check("maxChanges", maxChanges, 0, 100);
            check("maxFlows", maxFlows, 1, 1000);
            check("maxPacketsPerFlow", maxPacketsPerFlow, 1, 100);
            check("durationMillis", durationMillis, 1, 86_400_000);
        }

        /**
         * Up to 3 Services of up to 4 endpoints, 4 changes, 8 flows of up to 6 packets over 10 s, every feature.
         *
         * @return the defaults.
         */
        public static Limits defaults()
        {
            return new Limits(3, 4, 4, 8, 6, 10_000, true, true, true, true, true, true);
        }

        private static void check(final String name, final int value, final int min, final int max)
        {
            if (value < min || value > max)
            {
                throw new IllegalArgumentException(name + " " + value + " out of range " + min + ".." + max);
            }
        }
    }

    private Workloads()
    {
    }

    /**
     * @return workloads within {@link Limits#defaults()}.
     */
    public static Gen<Workload> workloads()
    {
        return workloads(Limits.defaults());
    }

    /**
     * @param limits bounds and features.
     * @return workloads within {@code limits}.
     */
    public static Gen<Workload> workloads(final Limits limits)
    {
        final Gen<Workload> gen = in -> generate(in, limits);
        return gen.describedAs(Workload::toString);
    }

    /** A Service being generated: its spec and its current endpoints, which changes edit. */
    private static final class Svc
    {
        ServiceSpec spec;
        boolean ipv6;
        final List<EndpointSpec> endpoints = new ArrayList<>();
        int nextHost;
        boolean deleted;

        String sliceName()
        {
            return spec.name() + "-1";
        }

        EndpointSliceSpec slice()
        {
            final List<EndpointPortSpec> ports = new ArrayList<>();
            for (final ServicePortSpec p : spec.ports())
            {
                ports.add(new EndpointPortSpec(p.name(), p.protocol() == Protocol.UDP ? DNS_TARGET :
                    p.protocol() == Protocol.SCTP ? DIAMETER_TARGET : HTTP_TARGET, p.protocol()));
            }
            return new EndpointSliceSpec(NAMESPACE, sliceName(), spec.name(), ipv6, ports, endpoints);
        }
    }

    private static Workload generate(final RandomnessSource in, final Limits limits)
    {
        // Every case draws the same number of values whatever its counts and features: the largest cluster, change
        // list and traffic are always drawn and the counts only decide how much of them is used. QuickTheories
        // shrinks the drawn values by position, so a count that shrinks leaves every later value where it was and
        // the rest of the case unchanged.
        final int serviceCount = draw(in, 1, limits.maxServices());
        final List<Svc> services = new ArrayList<>();
        for (int s = 0; s < limits.maxServices(); s++)
        {
            services.add(service(in, limits, s));
        }
        services.subList(serviceCount, services.size()).clear();
        final List<ServiceSpec> specs = new ArrayList<>();
        final List<EndpointSliceSpec> slices = new ArrayList<>();
        for (final Svc s : services)
        {
            specs.add(s.spec);
            slices.add(s.slice());
        }
        final Cluster cluster = new Cluster(NODE_NAME, NODE_IP, specs, slices);
        final List<ChurnEvent> changes = changes(in, limits, services);
        final int flows = draw(in, 1, limits.maxFlows());
        final List<Packet> packets = new ArrayList<>();
        for (int f = 0; f < limits.maxFlows(); f++)
        {
            final List<Packet> flow = flow(in, limits, services, f);
            if (f < flows)
            {
                packets.addAll(flow);
            }
        }
        final boolean flood = draw(in, 0, 1) == 1 && limits.attacks();
        final List<Packet> attack = synFlood(in, limits, services.get(0));
        if (flood)
        {
            packets.addAll(attack);
        }
        packets.sort(Comparator.comparingLong(Packet::atNanos));   // stable: a flow's packets keep their order
        return new Workload(cluster, changes, packets);
    }

    private static Svc service(final RandomnessSource in, final Limits limits, final int index)
    {
        final Svc svc = new Svc();
        final boolean udp = draw(in, 0, 1) == 1 && limits.udp();
        final int drawnType = draw(in, 0, 2);
        final int type = limits.external() ? drawnType : 0;
        final boolean affinity = draw(in, 0, 1) == 1 && limits.affinity();
        final boolean local = draw(in, 0, 1) == 1 && type != 0;
        svc.ipv6 = draw(in, 0, 1) == 1 && limits.ipv6();
        final boolean sctp = draw(in, 0, 1) == 1 && limits.sctp();
        final List<ServicePortSpec> ports = new ArrayList<>();
        ports.add(new ServicePortSpec("http", 80, Protocol.TCP, type == 0 ? 0 : 30080 + index));
        if (udp)
        {
            ports.add(new ServicePortSpec("dns", 53, Protocol.UDP, type == 0 ? 0 : 30053 + index));
        }
        if (sctp)
        {
            ports.add(new ServicePortSpec("diameter", 3868, Protocol.SCTP, type == 0 ? 0 : 30068 + index));
        }
        svc.spec = ServiceSpec.builder(NAMESPACE, "svc-" + index)
            .type(type == 0 ? ServiceType.CLUSTER_IP : type == 1 ? ServiceType.NODE_PORT : ServiceType.LOAD_BALANCER)
            .clusterIps(clusterIp(index, svc.ipv6))
            .loadBalancerIps(type == 2 ? List.of(loadBalancerIp(index, svc.ipv6)) : List.of())
            .ports(ports.toArray(new ServicePortSpec[0]))
            .clientIpAffinity(affinity ? ServiceSpec.DEFAULT_AFFINITY_TIMEOUT_SECONDS : 0)
            .externalTrafficLocal(local)
            .build();
        final int endpoints = Generate.range(0, limits.maxEndpoints(), Math.min(1, limits.maxEndpoints()))
            .generate(in);
        for (int e = 0; e < limits.maxEndpoints(); e++)
        {
            final EndpointSpec endpoint = endpoint(in, index, svc.nextHost++, svc.ipv6);
            if (e < endpoints)
            {
                svc.endpoints.add(endpoint);
            }
        }
        return svc;
    }

    private static EndpointSpec endpoint(final RandomnessSource in, final int service, final int host,
        final boolean ipv6)
    {
        final int node = draw(in, 1, NODES);
        final int condition = draw(in, 0, 2);
        return new EndpointSpec(List.of(endpointAddress(node, service, host, ipv6)), condition == 0,
            condition != 1, condition == 2, "node-" + node, "");
    }

    /**
     * Hosts of {@code 10.244.<node>.0/24} (or {@code fd00:244:<node>::/64}) are split among Services by index, so
     * that no two endpoints share one.
     */
    private static String endpointAddress(final int node, final int service, final int host, final boolean ipv6)
    {
        final int h = 1 + (service * 16 + host) % 250;
        return ipv6 ? "fd00:244:" + node + "::" + Integer.toHexString(h) : "10.244." + node + "." + h;
    }

    private static List<ChurnEvent> changes(final RandomnessSource in, final Limits limits, final List<Svc> services)
    {
        final int count = draw(in, 0, limits.maxChanges());
        final long[] at = new long[limits.maxChanges()];
        final int[][] what = new int[limits.maxChanges()][];
        final EndpointSpec[] joining = new EndpointSpec[limits.maxChanges()];
        for (int i = 0; i < limits.maxChanges(); i++)
        {
            at[i] = draw(in, 0, limits.durationMillis()) * MILLI;
            what[i] = new int[] {draw(in, 0, limits.maxServices() - 1) % services.size(), draw(in, 0, 3),
                draw(in, 0, 15)};
            joining[i] = endpoint(in, what[i][0], 0, false);
        }
        final Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++)
        {
            order[i] = i;
        }
        java.util.Arrays.sort(order, Comparator.comparingLong(i -> at[i]));
        final List<ChurnEvent> events = new ArrayList<>();
        for (final int i : order)
        {
            final Svc svc = services.get(what[i][0]);
            if (svc.deleted)
            {
                continue;
            }
            final double seconds = at[i] / 1e9;
            final int pick = what[i][2];
            switch (what[i][1])
            {
                case 0:                                         // an endpoint leaves
                    if (svc.endpoints.isEmpty())
                    {
                        continue;
                    }
                    svc.endpoints.remove(pick % svc.endpoints.size());
                    break;
                case 1:                                         // an endpoint joins, at a host not used yet
                    final EndpointSpec drawn = endpoint(joining[i], what[i][0], svc.nextHost++, svc.ipv6);
                    svc.endpoints.add(drawn);
                    break;
                case 2:                                         // an endpoint turns not ready (and back)
                    if (svc.endpoints.isEmpty())
                    {
                        continue;
                    }
                    final int e = pick % svc.endpoints.size();
                    final EndpointSpec old = svc.endpoints.get(e);
                    svc.endpoints.set(e, new EndpointSpec(old.addresses(), !old.ready(), !old.ready(), false,
                        old.nodeName(), ""));
                    break;
                default:                                        // the Service is deleted with its slice
                    svc.deleted = true;
                    events.add(ChurnEvent.deleted(seconds, ChurnEvent.Kind.ENDPOINT_SLICE, NAMESPACE,
                        svc.sliceName()));
                    events.add(ChurnEvent.deleted(seconds, ChurnEvent.Kind.SERVICE, NAMESPACE, svc.spec.name()));
                    continue;
            }
            events.add(ChurnEvent.of(seconds, ChurnEvent.Type.MODIFIED, svc.slice()));
        }
        return events;
    }

    /** {@code drawn} (node and condition) at host {@code host} of Service {@code service}. */
    private static EndpointSpec endpoint(final EndpointSpec drawn, final int service, final int host,
        final boolean ipv6)
    {
        final int node = Integer.parseInt(drawn.nodeName().substring("node-".length()));
        return new EndpointSpec(List.of(endpointAddress(node, service, host, ipv6)), drawn.ready(),
            drawn.serving(), drawn.terminating(), drawn.nodeName(), "");
    }

    private static List<Packet> flow(final RandomnessSource in, final Limits limits, final List<Svc> services,
        final int index)
    {
        final int host = draw(in, 1, 8);
        final int clientPort = 40_000 + index;
        final int s = draw(in, 0, limits.maxServices() - 1) % services.size();
        final Svc svc = services.get(s);
        final ServiceSpec spec = svc.spec;
        final String client = svc.ipv6 ? "fd00:10::" + host : "10.0.0." + host;
        final ServicePortSpec port = spec.ports().get(draw(in, 0, 2) % spec.ports().size());
        final boolean udp = port.protocol() == Protocol.UDP;
        final boolean sctp = port.protocol() == Protocol.SCTP;
        final int drawnVia = draw(in, 0, 2) % (spec.type() == ServiceType.LOAD_BALANCER ? 3 :
            spec.type() == ServiceType.NODE_PORT ? 2 : 1);
        final int via = drawnVia == 1 && svc.ipv6 ? 0 : drawnVia;       // the node has no IPv6 address
        final String destination = via == 0 ? clusterIp(s, svc.ipv6) : via == 1 ? NODE_IP :
            loadBalancerIp(s, svc.ipv6);
        final int destinationPort = via == 1 ? port.nodePort() : port.port();
        long at = draw(in, 0, limits.durationMillis()) * MILLI;
        final int packets = draw(in, 1, limits.maxPacketsPerFlow());
        final int ending = draw(in, 0, 2);                               // none, FIN or RST (SCTP: ABORT)
        final List<Packet> out = new ArrayList<>();
        for (int p = 0; p < limits.maxPacketsPerFlow(); p++)
        {
            final long gap = draw(in, 1, 2_000) * MILLI;
            if (p >= packets)
            {
                continue;
            }
            final boolean last = p > 0 && p == packets - 1 && ending != 0;
            final int flags;
            if (udp)
            {
                flags = 0;
            }
            else if (sctp)
            {
                flags = p == 0 ? PacketTuple.SCTP_INIT : last ? PacketTuple.SCTP_ABORT : 0;
            }
            else
            {
                flags = (p == 0 ? PacketTuple.TCP_SYN : PacketTuple.TCP_ACK) |
                    (last ? ending == 1 ? PacketTuple.TCP_FIN : PacketTuple.TCP_RST : 0);
            }
            out.add(new Packet(at, udp ? PacketTuple.PROTO_UDP : sctp ? PacketTuple.PROTO_SCTP :
                PacketTuple.PROTO_TCP, client, clientPort, destination, destinationPort, flags));
            at += gap;
        }
        return out;
    }

    private static List<Packet> synFlood(final RandomnessSource in, final Limits limits, final Svc target)
    {
        final int count = draw(in, 1, 20);
        final long start = draw(in, 0, limits.durationMillis()) * MILLI;
        final List<Packet> out = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            out.add(new Packet(start + i * MILLI, PacketTuple.PROTO_TCP,
                (target.ipv6 ? "2001:db8:5100::" : "198.51.100.") + (1 + i), 1024 + i,
                target.spec.clusterIps().get(0), 80, PacketTuple.TCP_SYN));
        }
        return out;
    }

    private static String clusterIp(final int service, final boolean ipv6)
    {
        return (ipv6 ? "fd00:96::" : "10.96.0.") + (10 + service);
    }

    private static String loadBalancerIp(final int service, final boolean ipv6)
    {
        return (ipv6 ? "2001:db8:113::" : "203.0.113.") + (10 + service);
    }

    /** A value in {@code [min, max]} that shrinks toward {@code min}. */
    private static int draw(final RandomnessSource in, final int min, final int max)
    {
        return Generate.range(min, max, min).generate(in);
    }
}
