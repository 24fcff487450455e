package io.vipflow.conntrack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One writer per mapped table file; readers and the next writer after close are welcome. */
class MappedTableLockTest
{
    @TempDir
    Path dir;

    @Test
    void aSecondWriterIsRefusedUntilTheFirstCloses()
    {
        final Path file = dir.resolve("conntrack.table");
        final FlowKey k = new FlowKey().set(6, 0, 1, 1, 0, 2, 2);
        final ConnView v = new ConnView();
        try (ConnTable first = ConnTable.mapped(file, 100))
        {
            assertEquals(ConnTable.CREATED, first.getOrCreate(k, 3, ConnState.ESTABLISHED, Long.MAX_VALUE / 2, 0, v));
            final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> ConnTable.mapped(file, 100));
            assertTrue(ex.getMessage().contains(file.toString()) && ex.getMessage().contains("already open for writing"),
                ex.getMessage());
            try (ConnTable reader = ConnTable.inspect(file))
            {
                assertTrue(reader.lookup(k, 1, v), "inspection needs no lock");
            }
        }
        try (ConnTable next = ConnTable.mapped(file, 100))
        {
            assertTrue(next.lookup(k, 1, v), "the lock went with close, the entry stayed");
            assertEquals(3, v.backendId());
        }
    }
}
