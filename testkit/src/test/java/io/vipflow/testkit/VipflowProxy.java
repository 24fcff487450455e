package io.vipflow.testkit;

import io.vipflow.Classifier;
import io.vipflow.ClassifierConfig;
import io.vipflow.Decision;
import io.vipflow.Verdict;
import io.vipflow.packet.PacketTuple;
import io.vipflow.service.ControlPlane;

import java.util.List;

/**
 * vipflow's own classifier behind the test kit's adapter, as a proxy team would wrap theirs. With
 * {@code forgetSliceUpdates} it is the deliberately wrong integration of the examples: it applies Service changes
 * but drops every later EndpointSlice change, so new flows keep going to endpoints that left or stopped being ready.
 */
final class VipflowProxy implements ProxyUnderTest
{
    private final ControlPlane cp;
    private final Classifier classifier;
    private final boolean forgetSliceUpdates;
    private final Decision d = new Decision();
    private final PacketTuple t = new PacketTuple();

    VipflowProxy(final Cluster cluster, final boolean forgetSliceUpdates)
    {
        this.forgetSliceUpdates = forgetSliceUpdates;
        cp = new ControlPlane(cluster.nodeName(), List.of(cluster.nodeIp()), "maglev", 0);
        cluster.services().forEach(cp::upsertService);
        cluster.slices().forEach(cp::upsertSlice);
        cp.publish();
        classifier = new Classifier(cp, ClassifierConfig.defaults().withConnectionCapacity(1024)
            .withAffinityCapacity(1024));
    }

    @Override
    public void apply(final ChurnEvent change)
    {
        if (forgetSliceUpdates && change.kind() == ChurnEvent.Kind.ENDPOINT_SLICE)
        {
            return;
        }
        change.applyTo(cp);
        cp.publish();
    }

    @Override
    public String route(final Packet packet)
    {
        classifier.classify(packet.toTuple(t), packet.atNanos(), d);
        return d.verdict() == Verdict.DNAT ? d.backend().name : null;
    }

    @Override
    public void close()
    {
        classifier.close();
    }
}
