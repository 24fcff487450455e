package io.vipflow.harness.sched;

import io.vipflow.harness.CliRun;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScheduleCommandTest
{
    @Test
    void wrrPrintsTheKernelSequence()
    {
        final CliRun run = CliRun.of("schedule", "--scheduler", "wrr", "--backends", "A=4,B=3,C=2", "--picks", "9");
        assertEquals(0, run.code(), run.err());
        assertEquals("A A B A B C A B C", run.out().strip());
    }

    /** lc with A 3/1 (769), B 0/7 (7), C 1/0 (256), each pick counted active: B, C, B (263 < 512), C... */
    @Test
    void connectionsDriveTheLeastConnectionFamily()
    {
        final CliRun run = CliRun.of("schedule", "--scheduler", "lc", "--backends", "A,B,C", "--connections",
            "A=3/1,B=0/7,C=1/0", "--picks", "4", "--count-as", "active");
        assertEquals(0, run.code(), run.err());
        assertEquals("B C B C", run.out().strip());
        final CliRun still = CliRun.of("schedule", "--scheduler", "lc", "--backends", "A,B,C", "--connections",
            "A=3/1,B=0/7,C=1/0", "--picks", "3");
        assertEquals("B B B", still.out().strip());
    }

    @Test
    void flagsReachTheScheduler()
    {
        final CliRun none = CliRun.of("schedule", "--scheduler", "sh", "--backends", "A=0,B,C", "--picks", "30");
        assertTrue(none.out().contains("-"), "quiesced bucket gives no destination: " + none.out());
        final CliRun fallback = CliRun.of("schedule", "--scheduler", "sh", "--flags", "sh-fallback", "--backends",
            "A=0,B,C", "--picks", "30");
        assertEquals(0, fallback.code());
        assertTrue(!fallback.out().contains("-") && !fallback.out().contains("A"), fallback.out());
    }

    @Test
    void badArgumentsEndWithOneLineAndExitTwo()
    {
        for (final String[] args : new String[][] {
            {"schedule", "--scheduler", "lottery", "--backends", "A"},
            {"schedule", "--scheduler", "sh", "--flags", "mh-port", "--backends", "A"},
            {"schedule", "--scheduler", "wrr", "--backends", "A=-1"},
            {"schedule", "--scheduler", "wrr", "--backends", "A", "--picks", "many"},
            {"schedule", "--scheduler", "lc", "--backends", "A", "--connections", "B=1/1"},
            {"maglev", "--table-size", "65536"},
            {"maglev", "--remove-percent", "150"}})
        {
            final CliRun run = CliRun.of(args);
            assertEquals(2, run.code(), String.join(" ", args));
            assertEquals(1, run.err().strip().split("\n").length, run.err());
            assertTrue(run.err().startsWith("vipflow " + args[0] + ": "), run.err());
        }
    }
}
