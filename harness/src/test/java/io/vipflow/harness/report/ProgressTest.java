package io.vipflow.harness.report;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressTest
{
    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong clock = new AtomicLong(7 * SECOND);
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String output()
    {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void lineShowsBarPercentCountsRateAndEta()
    {
        final Progress progress = new Progress("packets", 10_000_000, out, false, clock::get);
        // 4.2M in 2 s: 2.1M/s, 5.8M left take 2.76 s, shown rounded up.
        assertEquals("[========>           ] 42% 4.2M/10.0M packets 2.1M/s ETA 0:03",
            progress.line(4_200_000, 2 * SECOND, false));
        assertEquals("[====================] 100% 10.0M/10.0M packets 2.0M/s in 0:05",
            progress.line(10_000_000, 5 * SECOND, true));
        assertEquals("[>                   ] 0% 0/10.0M packets 0/s ETA -:--", progress.line(0, 0, false));
    }

    @Test
    void etaOfLongRunsHasHours()
    {
        final Progress progress = new Progress("flows", 1_000_000_000L, out, false, clock::get);
        // 1M in 10 s: 100K/s, 999M left take 9,990 s = 2:46:30.
        assertEquals("[>                   ] 0% 1.0M/1.0G flows 100.0K/s ETA 2:46:30",
            progress.line(1_000_000, 10 * SECOND, false));
    }

    @Test
    void labelComesFirst()
    {
        final Progress progress = new Progress("maglev", "packets", 100, out, false, clock::get);
        assertEquals("maglev [==========>         ] 50% 50/100 packets 25/s ETA 0:02",
            progress.line(50, 2 * SECOND, false));
    }

    @Test
    void unknownTotalShowsCountRateAndElapsed()
    {
        final Progress progress = new Progress("packets", 0, out, false, clock::get);
        assertEquals("4.2M packets 2.1M/s 0:02", progress.line(4_200_000, 2 * SECOND, false));
        assertEquals("4.2M packets 2.1M/s in 0:02", progress.line(4_200_000, 2 * SECOND, true));
    }

    @Test
    void countsAndClocks()
    {
        assertEquals("999", Progress.count(999.9));
        assertEquals("1.5K", Progress.count(1_500));
        assertEquals("1.0M", Progress.count(999_950));
        assertEquals("12.3M", Progress.count(12_345_678));
        assertEquals("2.5G", Progress.count(2.5e9));
        assertEquals("0:00", Progress.clock(0));
        assertEquals("1:05", Progress.clock(65));
        assertEquals("1:00:00", Progress.clock(3600));
    }

    @Test
    void plainModePrintsEveryTenthThenTheFinalLine()
    {
        try (Progress progress = new Progress("packets", 100, out, false, clock::get))
        {
            for (int i = 0; i < 100; i++)
            {
                clock.addAndGet(SECOND / 10);
                progress.advance(1);
            }
        }
        final String[] lines = output().split("\n");
        assertEquals(10, lines.length, output());
        for (int i = 0; i < 9; i++)
        {
            assertTrue(lines[i].contains("] " + (i + 1) * 10 + "% "), lines[i]);
            assertTrue(lines[i].contains(" ETA "), lines[i]);
        }
        assertEquals("[====================] 100% 100/100 packets 10/s in 0:10", lines[9]);
        assertTrue(!output().contains("\r"));
    }

    @Test
    void consoleModeRedrawsInPlaceAtMostFiveTimesASecond()
    {
        final Progress progress = new Progress("packets", 1_000, out, true, clock::get);
        progress.advance(100);
        clock.addAndGet(Progress.CONSOLE_INTERVAL_NANOS / 2);
        progress.advance(100);
        assertEquals("", output(), "nothing before the first interval has passed");
        clock.addAndGet(Progress.CONSOLE_INTERVAL_NANOS / 2);
        progress.advance(100);
        assertEquals("\r[======>             ] 30% 300/1.0K packets 1.5K/s ETA 0:01", output());
        progress.advance(100);
        assertEquals(1, output().split("\r", -1).length - 1, "no second draw within the interval");
        clock.addAndGet(Progress.CONSOLE_INTERVAL_NANOS);
        progress.advance(600);
        progress.close();
        progress.close();
        final String[] draws = output().split("\r", -1);
        assertEquals(4, draws.length, output());
        // The final line is one character shorter than the one it covers ("in" against "ETA").
        assertEquals("[====================] 100% 1.0K/1.0K packets 2.5K/s in 0:00 " + System.lineSeparator(), draws[3]);
    }

    @Test
    void consoleModePadsAShorterLineOverALongerOne()
    {
        final Progress progress = new Progress("packets", 0, out, true, clock::get);
        clock.addAndGet(Progress.CONSOLE_INTERVAL_NANOS);
        progress.advance(123_456_789);
        clock.addAndGet(100 * SECOND);
        progress.advance(1);
        final String[] draws = output().split("\r", -1);
        assertEquals(3, draws.length);
        assertEquals("123.5M packets 617.3M/s 0:00", draws[1]);
        assertEquals("123.5M packets 1.2M/s 1:40  ", draws[2], "the second draw covers the first one's characters");
    }

    @Test
    void workerThreadsAdvanceConcurrently() throws InterruptedException
    {
        final int threads = 8;
        final int perThread = 100_000;
        final Progress progress = new Progress("packets", (long)threads * perThread, out, false, System::nanoTime);
        final List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            final Thread worker = new Thread(() ->
            {
                for (int i = 0; i < perThread; i++)
                {
                    progress.advance(1);
                }
            });
            workers.add(worker);
            worker.start();
        }
        for (final Thread worker : workers)
        {
            worker.join();
        }
        progress.close();
        assertEquals((long)threads * perThread, progress.done());
        final String[] lines = output().split("\n");
        assertTrue(lines.length <= 10, output());
        final Pattern percent = Pattern.compile("] (\\d+)% ");
        int previous = 0;
        for (final String line : lines)
        {
            final Matcher m = percent.matcher(line);
            assertTrue(m.find(), line);
            final int p = Integer.parseInt(m.group(1));
            assertTrue(p > previous, "each tenth is printed once, in order: " + output());
            previous = p;
        }
        assertEquals(100, previous);
    }
}
