package io.vipflow.packet;

import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Assertions shared by the parser tests. Every parse goes through both overloads, which must agree on the result
 * and on the tuple.
 */
final class ParseChecks
{
    private ParseChecks()
    {
    }

    /** All fields, in a form whose equality means tuple equality and whose text names what differs. */
    static String fields(final PacketTuple t)
    {
        return "proto=" + t.protocol + " ipv6=" + t.ipv6 +
            String.format(" src=%016x:%016x:%d dst=%016x:%016x:%d flags=0x%x",
                t.srcHi, t.srcLo, t.srcPort, t.dstHi, t.dstLo, t.dstPort, t.flags);
    }

    /** Parses the whole frame, expects {@link FrameParser#OK} and the tuple the frame was built with. */
    static PacketTuple parseOk(final Frames.Frame frame)
    {
        final PacketTuple out = new PacketTuple();
        assertEquals(FrameParser.OK,
            parseBoth(frame.bytes(), 0, frame.length(), frame.length(), frame.linkType(), out));
        assertEquals(fields(frame.expected()), fields(out));
        return out;
    }

    static int parse(final byte[] frame, final int linkType)
    {
        return parseBoth(frame, 0, frame.length, frame.length, linkType, new PacketTuple());
    }

    static void assertMalformed(final byte[] frame, final int linkType)
    {
        assertEquals(FrameParser.MALFORMED, parse(frame, linkType));
    }

    /** Captures only the first {@code captured} bytes of the frame, as a snap length would. */
    static void assertMalformed(final byte[] frame, final int captured, final int linkType)
    {
        assertEquals(FrameParser.MALFORMED, parseCut(frame, captured, frame.length, linkType, new PacketTuple()));
    }

    /**
     * Parses the first {@code captured} bytes of the frame twice: inside the whole array, and as an array holding
     * nothing more, where reading past the capture would throw. Both must agree.
     */
    static int parseCut(
        final byte[] frame, final int captured, final int wire, final int linkType, final PacketTuple out)
    {
        final PacketTuple fromCut = new PacketTuple().copyFrom(out);
        final int whole = parseBoth(frame, 0, captured, wire, linkType, out);
        final int cut = parseBoth(Arrays.copyOf(frame, captured), 0, captured, wire, linkType, fromCut);
        assertEquals(whole, cut, "bytes past the capture changed the result");
        assertEquals(fields(out), fields(fromCut), "bytes past the capture changed the tuple");
        return whole;
    }

    /** Parses through both overloads and insists they agree; {@code out} receives the byte[] overload's tuple. */
    static int parseBoth(
        final byte[] frame, final int offset, final int captured, final int wire, final int linkType,
        final PacketTuple out)
    {
        final PacketTuple viaBuffer = new PacketTuple().copyFrom(out);
        final UnsafeBuffer buffer = null == frame ? null : new UnsafeBuffer(frame);
        final int fromArray = FrameParser.parse(frame, offset, captured, wire, linkType, out);
        final int fromBuffer = FrameParser.parse(buffer, offset, captured, wire, linkType, viaBuffer);
        assertEquals(fromArray, fromBuffer, "byte[] and DirectBuffer results differ");
        assertEquals(fields(out), fields(viaBuffer), "byte[] and DirectBuffer tuples differ");
        return fromArray;
    }

    static void setShort(final byte[] bytes, final int index, final int value)
    {
        bytes[index] = (byte)(value >>> 8);
        bytes[index + 1] = (byte)value;
    }
}
