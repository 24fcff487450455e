package io.vipflow.restart;

import io.vipflow.Classifier;
import io.vipflow.Decision;
import io.vipflow.Verdict;
import io.vipflow.conntrack.ConnTable;
import io.vipflow.packet.PacketTuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A process classifying on a mapped connection table is killed with SIGKILL in the middle of its traffic; a new
 * classifier on the same table and backend id files must continue every flow the dead one had established, with
 * counts recounted from the table that stay exact (and so never negative) as those flows advance, close and expire.
 * While the first process lives, the table file is refused to a second writer.
 */
class ClassifierRestartTest
{
    private static final int FLOWS = 2_000;

    @TempDir
    Path dir;

    @Test
    @Timeout(90)
    void flowsEstablishedBeforeASigkillContinueToTheSameBackend() throws Exception
    {
        final Path table = dir.resolve("conntrack.table");
        final Path ids = dir.resolve("conntrack.ids");
        final Map<Integer, String> backends = new HashMap<>();
        try (ChildJvm child = new ChildJvm(ClassifierRestartChild.class, dir, table.toString(), ids.toString()))
        {
            final long deadline = System.currentTimeMillis() + 45_000;
            while (backends.size() < FLOWS)
            {
                final String line = child.nextLine(deadline);
                assertNotNull(line, () -> "child stopped after " + backends.size() + " flows: " + child.stderr());
                final int space = line.indexOf(' ');
                backends.put(Integer.parseInt(line.substring(0, space)), line.substring(space + 1));
            }
            final IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> ConnTable.mapped(table, RestartCluster.CAPACITY), "a second writer while the first runs");
            assertTrue(refused.getMessage().contains("already open for writing"), refused.getMessage());
            assertEquals(137, child.kill(), "exit code of a SIGKILLed process");
            assertFalse(child.isAlive());
        }

        try (Classifier classifier = new Classifier(RestartCluster.controlPlane(ids, true), RestartCluster.config(),
            ConnTable.mapped(table, RestartCluster.CAPACITY)))
        {
            final Decision d = new Decision();
            final PacketTuple p = new PacketTuple();
            final long now = RestartCluster.epochNanos();
            for (final Map.Entry<Integer, String> flow : backends.entrySet())
            {
                final int f = flow.getKey();
                p.setIpv4(PacketTuple.PROTO_TCP, RestartCluster.client(f), RestartCluster.clientPort(f),
                    RestartCluster.VIP, 80, PacketTuple.TCP_ACK);
                classifier.classify(p, now, d);
                assertEquals(Verdict.DNAT, d.verdict(), () -> "flow " + f + ": " + d);
                assertFalse(d.newFlow(), () -> "flow " + f + " was scheduled anew: " + d);
                assertEquals(flow.getValue(), d.backend().name, "backend of flow " + f);
            }
            CountAudit.check(classifier, "after the reopen and an ACK on every flow");
            assertTrue(classifier.connections().countLive() >= FLOWS);
            sendToAll(classifier, backends, PacketTuple.TCP_FIN | PacketTuple.TCP_ACK, now + 1);
            CountAudit.check(classifier, "after a FIN on every flow");
            sendToAll(classifier, backends, PacketTuple.TCP_RST, now + 2);
            CountAudit.check(classifier, "after an RST on every flow");
            classifier.sweep(now + 3_600_000_000_000L, classifier.connections().slotCount());
            assertEquals(0, CountAudit.check(classifier, "after everything expired"));
        }
    }

    private static void sendToAll(final Classifier classifier, final Map<Integer, String> flows, final int flags,
        final long now)
    {
        final Decision d = new Decision();
        final PacketTuple p = new PacketTuple();
        for (final int f : flows.keySet())
        {
            p.setIpv4(PacketTuple.PROTO_TCP, RestartCluster.client(f), RestartCluster.clientPort(f), RestartCluster.VIP,
                80, flags);
            classifier.classify(p, now, d);
            assertEquals(Verdict.DNAT, d.verdict(), () -> "flow " + f + ": " + d);
        }
        classifier.flushStats(d);
    }
}
