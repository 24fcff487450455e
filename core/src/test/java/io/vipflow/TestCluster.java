package io.vipflow;

import io.vipflow.conntrack.ConnTimeouts;
import io.vipflow.packet.Addresses;
import io.vipflow.packet.PacketTuple;
import io.vipflow.service.ControlPlane;
import io.vipflow.service.EndpointPortSpec;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.EndpointSpec;
import io.vipflow.service.Protocol;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;

import java.util.ArrayList;
import java.util.List;

/** Builds small clusters and packets for classifier tests. */
final class TestCluster
{
    static final long SECOND = 1_000_000_000L;

    final ControlPlane controlPlane;
    final Classifier classifier;
    final Decision d = new Decision();

    TestCluster(final String scheduler, final ClassifierConfig config)
    {
        controlPlane = new ControlPlane("node-a", List.of("192.168.0.10", "fd00::10"), scheduler, 1);
        classifier = new Classifier(controlPlane, config);
    }

    TestCluster()
    {
        this("rr", ClassifierConfig.defaults().withConnectionCapacity(4096).withAffinityCapacity(1024)
            .withTimeouts(ConnTimeouts.ipvsDefaults()));
    }

    /**
     * A Maglev cluster with one ClusterIP Service, default/web at 10.96.0.10:80 (TCP), whose endpoints listen on 8080
     * at {@code endpointIps}, all ready, on node n; published.
     */
    static TestCluster web(final int connectionCapacity, final String... endpointIps)
    {
        return web("maglev", ClassifierConfig.defaults().withConnectionCapacity(connectionCapacity)
            .withAffinityCapacity(16), "n", endpointIps);
    }

    /**
     * A cluster with one ClusterIP Service, default/web at 10.96.0.10:80 (TCP), whose endpoints listen on 8080 at
     * {@code endpointIps}, all ready, on {@code node}; published.
     */
    static TestCluster web(final String scheduler, final ClassifierConfig config, final String node,
        final String... endpointIps)
    {
        final TestCluster c = new TestCluster(scheduler, config);
        c.controlPlane.upsertService(ServiceSpec.clusterIp("default", "web", "10.96.0.10",
            new ServicePortSpec("http", 80, Protocol.TCP, 0)));
        final EndpointSpec[] endpoints = new EndpointSpec[endpointIps.length];
        for (int i = 0; i < endpointIps.length; i++)
        {
            endpoints[i] = ready(endpointIps[i], node);
        }
        c.controlPlane.upsertSlice(slice("default", "web", "web-1", 8080, Protocol.TCP, "http", endpoints));
        c.controlPlane.publish();
        return c;
    }

    static EndpointSpec ep(final String ip, final boolean ready, final boolean serving, final boolean terminating,
        final String node)
    {
        return new EndpointSpec(List.of(ip), ready, serving, terminating, node, "zone-a");
    }

    static EndpointSpec ready(final String ip, final String node)
    {
        return ep(ip, true, true, false, node);
    }

    static EndpointSliceSpec slice(final String ns, final String service, final String name, final int port,
        final Protocol protocol, final String portName, final EndpointSpec... endpoints)
    {
        final boolean v6 = endpoints.length > 0 && endpoints[0].addresses().get(0).contains(":");
        return new EndpointSliceSpec(ns, name, service, v6, List.of(new EndpointPortSpec(portName, port, protocol)),
            new ArrayList<>(List.of(endpoints)));
    }

    Decision tcp(final String src, final int srcPort, final String dst, final int dstPort, final int flags,
        final long now)
    {
        return send(PacketTuple.PROTO_TCP, src, srcPort, dst, dstPort, flags, now);
    }

    Decision udp(final String src, final int srcPort, final String dst, final int dstPort, final long now)
    {
        return send(PacketTuple.PROTO_UDP, src, srcPort, dst, dstPort, 0, now);
    }

    Decision send(final int proto, final String src, final int srcPort, final String dst, final int dstPort,
        final int flags, final long now)
    {
        final long[] s = Addresses.parse(src);
        final long[] t = Addresses.parse(dst);
        final PacketTuple p = new PacketTuple().set(proto, s[2] == 6, s[0], s[1], srcPort, t[0], t[1], dstPort, flags);
        classifier.classify(p, now, d);
        return d;
    }

    String backend()
    {
        return d.backend() == null ? null : d.backend().name;
    }
}
