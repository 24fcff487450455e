package io.vipflow.packet;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class FrameParserAllocationTest
{
    @Test
    void parsingAllocatesNothingOnEitherOverload()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());

        final Frames.Frame[] frames =
        {
            Frames.ipv4("10.244.7.21", "10.96.100.10").vlan(Frames.TPID_8021Q).tcp(40000, 80, 2).build(),
            Frames.ipv6("fd00::1", "fd00::2").extension(Frames.EXT_ROUTING, 24).fragment(0, true).udp(1, 53).build(),
            Frames.ipv4("10.244.7.21", "10.96.100.10").sctp(1, 2, 1).fragment(3, false).build(),
        };
        final UnsafeBuffer[] buffers = new UnsafeBuffer[frames.length];
        for (int i = 0; i < frames.length; i++)
        {
            buffers[i] = new UnsafeBuffer(frames[i].bytes());
        }
        final PacketTuple out = new PacketTuple();

        // Warm up first, so that what is measured is the compiled code rather than class loading. A few
        // attempts absorb one-off runtime work (a recompilation, a deoptimisation) landing in the window.
        parseAll(frames, buffers, out, 200_000);
        long fewest = Long.MAX_VALUE;
        for (int attempt = 0; attempt < 5 && fewest > 0; attempt++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            final int ok = parseAll(frames, buffers, out, 100_000);
            fewest = Math.min(fewest, threads.getCurrentThreadAllocatedBytes() - before);
            assertEquals(100_000 * frames.length * 2, ok);
        }

        assertEquals(0, fewest, "bytes allocated while parsing");
    }

    private static int parseAll(
        final Frames.Frame[] frames, final UnsafeBuffer[] buffers, final PacketTuple out, final int rounds)
    {
        int ok = 0;
        for (int round = 0; round < rounds; round++)
        {
            for (int i = 0; i < frames.length; i++)
            {
                final byte[] bytes = frames[i].bytes();
                final int link = frames[i].linkType();
                ok += FrameParser.OK == FrameParser.parse(bytes, 0, bytes.length, bytes.length, link, out) ? 1 : 0;
                ok += FrameParser.OK == FrameParser.parse(buffers[i], 0, bytes.length, bytes.length, link, out) ? 1 : 0;
            }
        }
        return ok;
    }
}
