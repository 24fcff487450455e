package io.vipflow;

import io.vipflow.conntrack.ConnTable;
import io.vipflow.packet.PacketTuple;
import io.vipflow.service.ControlPlane;
import io.vipflow.service.Protocol;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A mapped table's entries carry epoch nanoseconds; the epoch sweeper expires them by the same clock. */
class EpochSweeperTest
{
    @TempDir
    Path dir;

    @Test
    void theEpochSweeperExpiresEntriesStampedWithEpochTime()
    {
        final ControlPlane cp = new ControlPlane("node-a", List.of("192.168.0.10"), "maglev", 1, dir.resolve("ids"));
        cp.upsertService(ServiceSpec.clusterIp("ns", "dns", "10.96.0.10", new ServicePortSpec("dns", 53,
            Protocol.UDP, 0)));
        cp.upsertSlice(TestCluster.slice("ns", "dns", "dns-1", 53, Protocol.UDP, "dns",
            TestCluster.ready("10.244.0.1", "node-a")));
        cp.publish();
        final SystemEpochNanoClock epoch = new SystemEpochNanoClock();
        try (Classifier classifier = new Classifier(cp, ClassifierConfig.defaults().withAffinityCapacity(16),
            ConnTable.mapped(dir.resolve("conntrack.table"), 1000)))
        {
            final Decision d = new Decision();
            final long hourAgo = epoch.nanoTime() - 3_600_000_000_000L;
            for (int i = 0; i < 10; i++)
            {
                classifier.classify(new PacketTuple().setIpv4(PacketTuple.PROTO_UDP, 0x0a010000 + i, 5000,
                    0x0a60000a, 53, 0), i < 4 ? hourAgo : epoch.nanoTime(), d);
            }
            assertEquals(10, classifier.connections().countLive());
            SweeperAgent.onEpochClock(classifier, epoch, 1 << 16).doWork();
            assertEquals(6, classifier.connections().countLive(), "the four UDP flows of an hour ago expired");
        }
    }
}
