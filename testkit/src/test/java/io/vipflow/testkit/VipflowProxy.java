package io.vipflow.testkit;

import io.vipflow.Classifier;
import io.vipflow.ClassifierConfig;
import io.vipflow.Decision;
import io.vipflow.Verdict;
import io.vipflow.packet.PacketTuple;
import io.vipflow.service.ControlPlane;

import java.util.List;

/**
 * vipflow's own classifier behind the test kit's adapter, as a proxy team would wrap theirs, faithful or with one of
 * the deliberately wrong integrations of the examples.
 */
final class VipflowProxy implements ProxyUnderTest
{
    /** What the adapter gets wrong. */
    enum Flaw
    {
        /** Nothing: the adapter is faithful. */
        NONE,
        /**
         * Service changes are applied but every later EndpointSlice change is dropped, so new flows keep going to
         * endpoints that left or stopped being ready.
         */
        FORGETS_SLICE_UPDATES,
        /**
         * A packet for a Service without endpoints is dropped silently instead of rejected: clients wait for their
         * timeouts instead of failing at once.
         */
        DROPS_INSTEAD_OF_REJECTING
    }

    private final ControlPlane cp;
    private final Classifier classifier;
    private final Flaw flaw;
    private final Decision d = new Decision();
    private final PacketTuple t = new PacketTuple();

    VipflowProxy(final Cluster cluster, final Flaw flaw)
    {
        this.flaw = flaw;
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
        if (flaw == Flaw.FORGETS_SLICE_UPDATES && change.kind() == ChurnEvent.Kind.ENDPOINT_SLICE)
        {
            return;
        }
        change.applyTo(cp);
        cp.publish();
    }

    @Override
    public Outcome decide(final Packet packet)
    {
        classifier.classify(packet.toTuple(t), packet.atNanos(), d);
        return flaw == Flaw.DROPS_INSTEAD_OF_REJECTING && d.verdict() == Verdict.REJECT ? Outcome.dropped() :
            Outcome.of(d);
    }

    @Override
    public void close()
    {
        classifier.close();
    }
}
