package io.vipflow.testkit;

import io.vipflow.packet.FrameParser;
import io.vipflow.packet.LinkType;
import io.vipflow.packet.PacketTuple;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;

/** A generated packet's frame parses into the tuple the packet gives directly. */
class PacketTest
{
    @Test
    void everyGeneratedPacketsFrameParsesIntoItsTuple()
    {
        qt().withExamples(50).forAll(Workloads.workloads()).checkAssert(w ->
        {
            final PacketTuple direct = new PacketTuple();
            final PacketTuple parsed = new PacketTuple();
            for (final Packet p : w.packets())
            {
                final byte[] frame = p.toFrame();
                assertEquals(FrameParser.OK, FrameParser.parse(frame, 0, frame.length, frame.length,
                    LinkType.ETHERNET, parsed), p::toString);
                p.toTuple(direct);
                assertEquals(direct.toString(), parsed.toString(), p::toString);
                assertEquals(direct.flags, parsed.flags, p::toString);
            }
        });
    }
}
