package io.vipflow.packet;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vipflow.Classifier;
import io.vipflow.ClassifierConfig;
import io.vipflow.Decision;
import io.vipflow.Reason;
import io.vipflow.Verdict;
import io.vipflow.conntrack.ConnTable;
import io.vipflow.service.ControlPlane;
import io.vipflow.service.EndpointPortSpec;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.EndpointSpec;
import io.vipflow.service.Protocol;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of {@link FrameParser} and {@link Classifier#classifyFrame}: any bytes under any link type
 * give a verdict and never an exception.
 * <p>
 * Input layout, chosen so that seeds can be written by hand: byte 0 picks the link type ({@link #LINK_TYPES}, the
 * last entries unsupported), byte 1 the frame's offset in its buffer (0 to 7), byte 2 how much longer the wire
 * length is than the captured length (0 to 255), and the rest is the captured frame.
 * <p>
 * Without {@code JAZZER_FUZZ} set this runs the inputs under
 * {@code src/test/resources/io/vipflow/packet/FrameParserFuzzTestInputs/parse} as a regression test.
 */
class FrameParserFuzzTest
{
    private static final int[] LINK_TYPES = {
        LinkType.ETHERNET, LinkType.RAW, LinkType.RAW_DLT_12, LinkType.RAW_DLT_14, LinkType.IPV4, LinkType.IPV6,
        LinkType.LINUX_SLL, LinkType.LINUX_SLL2, 0, 105, -1 };
    private static final int HEADER = 3;

    /*
     * One classifier for every input, as a data plane keeps one: connection state carried from input to input is
     * part of what is fuzzed. Its Services are the addresses the seed frames use, so seeds reach scheduling.
     */
    private static final int CAPACITY = 1024;
    private static final ConnTable TABLE = new ConnTable(CAPACITY);
    private static final Classifier CLASSIFIER = classifier();
    private static final Decision DECISION = new Decision();
    private static long now = 1_000_000_000L;
    private static long inputs;

    @FuzzTest(maxDuration = "30s")
    void parse(final byte[] input)
    {
        if (input.length < HEADER)
        {
            return;
        }
        final int linkType = LINK_TYPES[(input[0] & 0xff) % LINK_TYPES.length];
        final int offset = input[1] & 7;
        final int captured = input.length - HEADER;
        final int wire = captured + (input[2] & 0xff);

        // The frame inside a larger buffer, followed by bytes the parser must never look at.
        final byte[] padded = new byte[offset + captured + 64];
        Arrays.fill(padded, (byte)0x5a);
        System.arraycopy(input, HEADER, padded, offset, captured);
        final byte[] otherTail = padded.clone();
        Arrays.fill(otherTail, offset + captured, otherTail.length, (byte)0xa5);
        Arrays.fill(otherTail, 0, offset, (byte)0xa5);

        final PacketTuple fromArray = new PacketTuple();
        final int status = FrameParser.parse(padded, offset, captured, wire, linkType, fromArray);
        assertTrue(status >= FrameParser.OK && status <= FrameParser.UNSUPPORTED_LINK, () -> "status " + status);
        assertEquals(LinkType.isSupported(linkType), status != FrameParser.UNSUPPORTED_LINK);

        // Bytes outside [offset, offset + captured) change nothing: every header read lies within the capture.
        final PacketTuple fromOtherTail = new PacketTuple();
        assertEquals(status, FrameParser.parse(otherTail, offset, captured, wire, linkType, fromOtherTail));
        final PacketTuple fromBuffer = new PacketTuple();
        assertEquals(status, FrameParser.parse(new UnsafeBuffer(otherTail), offset, captured, wire, linkType,
            fromBuffer));
        if (status == FrameParser.OK)
        {
            assertEquals(fromArray.toString(), fromOtherTail.toString());
            assertEquals(fromArray.toString(), fromBuffer.toString());
            assertTrue(fromArray.srcPort >= 0 && fromArray.srcPort <= 0xffff && fromArray.dstPort >= 0 &&
                fromArray.dstPort <= 0xffff, fromArray::toString);
            assertTrue(fromArray.protocol >= 0 && fromArray.protocol <= 0xff, fromArray::toString);
        }

        // A frame cut by a snap length that keeps the wire length parses no better than the whole frame.
        if (captured > 0)
        {
            final int cut = FrameParser.parse(padded, offset, captured - 1, wire, linkType, new PacketTuple());
            assertTrue(status != FrameParser.MALFORMED || cut == FrameParser.MALFORMED,
                () -> "cutting a malformed frame gave " + cut);
        }

        classify(otherTail, offset, captured, wire, linkType, status);
    }

    private static void classify(
        final byte[] frame, final int offset, final int captured, final int wire, final int linkType, final int status)
    {
        now += 1_000_000L;
        CLASSIFIER.classifyFrame(new UnsafeBuffer(frame), offset, captured, wire, linkType, now, DECISION);
        final Verdict verdict = DECISION.verdict();
        assertTrue(verdict != null, "no verdict");
        switch (status)
        {
            case FrameParser.MALFORMED:
                assertEquals(Verdict.DROP, verdict);
                assertEquals(Reason.MALFORMED, DECISION.reason());
                break;
            case FrameParser.UNSUPPORTED_LINK:
                assertEquals(Verdict.DROP, verdict);
                assertEquals(Reason.UNSUPPORTED_LINK, DECISION.reason());
                break;
            case FrameParser.NOT_IP:
                assertEquals(Verdict.PASS, verdict);
                break;
            default:
                assertTrue(DECISION.parsed(), DECISION::toString);
        }
        // The table holds capacity / 0.75 slots, so the entry count is bounded by the slots, not the capacity.
        final long entries = CLASSIFIER.stats().toMap().get("entries");
        assertTrue(entries >= 0 && entries <= TABLE.slotCount(), () -> "entries " + entries);
        if ((++inputs & 63) == 0)
        {
            assertEquals(TABLE.countLive(), entries, "entries counter against a recount of the table");
        }
    }

    private static Classifier classifier()
    {
        final ControlPlane cp = new ControlPlane("node-1", List.of("192.168.1.11", "fd00::11"), "maglev", 0);
        cp.upsertService(ServiceSpec.clusterIp("shop", "web", "10.96.0.80",
            new ServicePortSpec("http", 80, Protocol.TCP, 0), new ServicePortSpec("dns", 53, Protocol.UDP, 0),
            new ServicePortSpec("sctp", 9999, Protocol.SCTP, 0)));
        cp.upsertSlice(new EndpointSliceSpec("shop", "web-1", "web", false,
            List.of(new EndpointPortSpec("http", 8080, Protocol.TCP), new EndpointPortSpec("dns", 5353, Protocol.UDP),
                new EndpointPortSpec("sctp", 9999, Protocol.SCTP)),
            List.of(EndpointSpec.ready("10.244.1.5", "node-1"), EndpointSpec.ready("10.244.2.7", "node-2"))));
        cp.upsertService(ServiceSpec.clusterIp("shop", "web6", "fd00::80",
            new ServicePortSpec("http", 80, Protocol.TCP, 0)));
        cp.upsertSlice(new EndpointSliceSpec("shop", "web6-1", "web6", true,
            List.of(new EndpointPortSpec("http", 8080, Protocol.TCP)),
            List.of(EndpointSpec.ready("fd00:244::5", "node-1"))));
        cp.publish();
        return new Classifier(cp, ClassifierConfig.defaults().withConnectionCapacity(CAPACITY)
            .withAffinityCapacity(256), TABLE);
    }
}
