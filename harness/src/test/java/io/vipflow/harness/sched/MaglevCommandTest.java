package io.vipflow.harness.sched;

import io.vipflow.harness.CliRun;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MaglevCommandTest
{
    @Test
    void printsBuildTimeBalanceAndDisruption()
    {
        final CliRun run = CliRun.of("maglev", "--backends", "1000", "--table-size", "65537", "--remove-percent",
            "1,2,5,10,20", "--runs", "2");
        assertEquals(0, run.code(), run.err());
        final String[] lines = run.out().strip().split("\n");
        assertEquals("maglev: 1000 backends, table size 65537", lines[0]);
        assertTrue(lines[1].matches("build: [0-9.]+ ms \\(median of 2\\)"), lines[1]);
        assertEquals("entries per backend: min 65, max 66 (ideal 65.54)", lines[2]);
        assertEquals(4 + 5, lines.length, run.out());
        for (int i = 4; i < lines.length; i++)
        {
            final String[] cells = lines[i].trim().split("\\s+");
            final double moved = Double.parseDouble(cells[3].replace("%", ""));
            final double minimum = Double.parseDouble(cells[4].replace("%", ""));
            assertTrue(moved >= minimum && moved < minimum + 5, lines[i]);
        }
        assertTrue(lines[4].startsWith("1% ") && lines[4].contains(" 10 "), lines[4]);
    }
}
