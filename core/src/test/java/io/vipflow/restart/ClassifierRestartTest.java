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

/**
 * A process classifying on a mapped connection table is killed with SIGKILL in the middle of its traffic; a new
 * classifier on the same table and backend id files must continue every flow the dead one had established.
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
        }
    }
}
