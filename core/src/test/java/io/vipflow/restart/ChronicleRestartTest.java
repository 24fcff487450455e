package io.vipflow.restart;

import io.vipflow.conntrack.ConnState;
import io.vipflow.conntrack.FlowKey;
import io.vipflow.conntrack.chronicle.ChronicleConnTable;
import io.vipflow.conntrack.chronicle.ChronicleConnView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A process writing a Chronicle connection table is killed with SIGKILL mid-stream, possibly holding a segment
 * lock; reopening the file (which recovers it) must find every entry the dead process had reported.
 */
class ChronicleRestartTest
{
    private static final int FLOWS = 2_000;

    @TempDir
    Path dir;

    @Test
    @Timeout(90)
    void entriesWrittenBeforeASigkillAreFoundAfterReopening() throws Exception
    {
        final Path file = dir.resolve("conntrack.cmap");
        final Map<Integer, Integer> backends = new HashMap<>();
        try (ChildJvm child = new ChildJvm(ChronicleRestartChild.class, dir, file.toString()))
        {
            final long deadline = System.currentTimeMillis() + 45_000;
            while (backends.size() < FLOWS)
            {
                final String line = child.nextLine(deadline);
                assertNotNull(line, () -> "child stopped after " + backends.size() + " flows: " + child.stderr());
                final int space = line.indexOf(' ');
                backends.put(Integer.parseInt(line.substring(0, space)), Integer.parseInt(line.substring(space + 1)));
            }
            assertEquals(137, child.kill(), "exit code of a SIGKILLed process");
            assertFalse(child.isAlive());
        }

        try (ChronicleConnTable table = ChronicleConnTable.open(file, RestartCluster.CAPACITY))
        {
            final ChronicleConnView view = new ChronicleConnView();
            final FlowKey k = new FlowKey();
            final long now = RestartCluster.epochNanos();
            for (final Map.Entry<Integer, Integer> flow : backends.entrySet())
            {
                final int f = flow.getKey();
                assertTrue(table.lookup(ChronicleRestartChild.key(k, f), now, view), "flow " + f + " lost");
                assertEquals(flow.getValue(), view.backendId(), "backend of flow " + f);
                assertEquals(ConnState.ESTABLISHED, view.state());
            }
            assertTrue(table.size() >= FLOWS, "entries after recovery: " + table.size());
        }
    }
}
