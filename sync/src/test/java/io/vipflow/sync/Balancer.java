package io.vipflow.sync;

import io.vipflow.Classifier;
import io.vipflow.ClassifierConfig;
import io.vipflow.Decision;
import io.vipflow.MidFlowPolicy;
import io.vipflow.conntrack.ConnView;
import io.vipflow.conntrack.FlowKey;
import io.vipflow.packet.Addresses;
import io.vipflow.packet.PacketTuple;
import io.vipflow.service.ControlPlane;
import io.vipflow.service.EndpointPortSpec;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.EndpointSpec;
import io.vipflow.service.Protocol;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One balancer for the sync tests: the Service {@code shop/web} at 10.96.0.10:80 with the given backends on port
 * 8080, round robin, and mid-flow packets without an entry dropped (so a packet that finds no synced entry shows).
 */
final class Balancer implements AutoCloseable
{
    static final int VIP = 0x0a60000a;
    static final int CLIENT = 0x0a010000;

    final ControlPlane controlPlane;
    final Classifier classifier;
    final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final Decision d = new Decision();
    private final PacketTuple p = new PacketTuple();

    Balancer(final String... backends)
    {
        controlPlane = new ControlPlane("node-a", List.of("192.168.0.10"), "rr", 1);
        controlPlane.upsertService(ServiceSpec.clusterIp("shop", "web", "10.96.0.10",
            new ServicePortSpec("http", 80, Protocol.TCP, 0)));
        controlPlane.upsertSlice(new EndpointSliceSpec("shop", "web-1", "web", false,
            List.of(new EndpointPortSpec("http", 8080, Protocol.TCP)),
            List.of(backends).stream().map(ip -> EndpointSpec.ready(ip, "node-a")).toList()));
        controlPlane.publish();
        classifier = new Classifier(controlPlane, ClassifierConfig.defaults().withConnectionCapacity(1 << 14)
            .withAffinityCapacity(16).withMidFlowPolicy(MidFlowPolicy.DROP));
    }

    /** Classifies a TCP packet of client flow {@code flow}; returns the backend's address or the verdict. */
    String tcp(final int flow, final int flags)
    {
        p.setIpv4(PacketTuple.PROTO_TCP, CLIENT + (flow >>> 14), 1024 + (flow & 0x3FFF), VIP, 80, flags);
        classifier.classify(p, clock.get(), d);
        return d.backend() == null ? d.verdict() + "/" + d.reason() : d.backend().socketAddress().toString();
    }

    /** The state of flow {@code flow}'s entry, or -1 without one. */
    int state(final int flow)
    {
        final ConnView view = view(flow);
        return view == null ? -1 : view.state();
    }

    /** When flow {@code flow}'s entry expires, or -1 without one. */
    long expiry(final int flow)
    {
        final ConnView view = view(flow);
        return view == null ? -1 : view.expiryNanos();
    }

    private ConnView view(final int flow)
    {
        final FlowKey key = new FlowKey().set(FlowKey.familyProtocol(PacketTuple.PROTO_TCP, false), 0,
            Addresses.ipv4Lo(CLIENT + (flow >>> 14)), 1024 + (flow & 0x3FFF), 0, Addresses.ipv4Lo(VIP), 80);
        final ConnView view = new ConnView();
        return classifier.connections().lookup(key, clock.get(), view) ? view : null;
    }

    SyncConfig ipc(final String aeronDir)
    {
        return SyncConfig.ipc(aeronDir).withClock(clock::get);
    }

    @Override
    public void close()
    {
        classifier.close();
    }
}
