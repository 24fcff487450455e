package io.vipflow.harness.trace;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static io.vipflow.harness.trace.PcapFile.payload;
import static io.vipflow.harness.trace.PcapReaderTest.assertFormatError;

/**
 * Each malformation is reported as a {@link TraceFormatException} at the offset of the block, or option, that has it.
 */
class PcapngErrorTest
{
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** Section header as {@link PcapngFile} writes it: 16 fixed bytes, a comment option, end of options. */
    private static final int SECTION_LENGTH = 44;

    @TempDir
    Path dir;

    @Test
    void packetBlockReferringToUndefinedInterface() throws IOException
    {
        final PcapngFile file = new PcapngFile(LE).enhancedPacket(0, 1, payload(20, 0));
        assertFormatError(write(file.toBytes()), SECTION_LENGTH,
            "enhanced packet block refers to undefined interface 0 (the section defines 0)");
    }

    @Test
    void interfacesDoNotCarryOverIntoTheNextSection() throws IOException
    {
        final PcapngFile file = new PcapngFile(LE)
            .interfaceBlock(1, 0, -1, 0).interfaceBlock(1, 0, -1, 0).enhancedPacket(1, 1, payload(20, 0))
            .section(ByteOrder.BIG_ENDIAN).interfaceBlock(1, 0, -1, 0).enhancedPacket(1, 1, payload(20, 0));
        assertFormatError(write(file.toBytes()), file.lastBlockOffset(),
            "undefined interface 1 (the section defines 1)");
    }

    @Test
    void simplePacketBlockWithoutAnyInterface() throws IOException
    {
        final PcapngFile file = new PcapngFile(LE).simplePacket(20, payload(20, 0));
        assertFormatError(write(file.toBytes()), SECTION_LENGTH, "simple packet block refers to undefined interface 0");
    }

    @Test
    void blockLengthNotAMultipleOfFour() throws IOException
    {
        final PcapngFile file = validFile().enhancedPacket(0, 1, payload(20, 0));
        final int offset = (int)file.lastBlockOffset();
        final byte[] bytes = patchInt(file.toBytes(), offset + 4, 70);
        assertFormatError(write(bytes), offset, "enhanced packet block total length 70 is not a multiple of 4");
    }

    @Test
    void blockLengthBelowTheMinimum() throws IOException
    {
        final PcapngFile file = validFile().enhancedPacket(0, 1, payload(20, 0));
        final int offset = (int)file.lastBlockOffset();
        final byte[] bytes = patchInt(file.toBytes(), offset + 4, 16);
        assertFormatError(write(bytes), offset, "total length 16 is below its minimum of 32");
    }

    @Test
    void blockLengthDisagreeingWithItsTrailingCopy() throws IOException
    {
        final PcapngFile file = validFile().rawBlock(0x0BAD, new byte[8]);
        final int offset = (int)file.lastBlockOffset();
        final byte[] bytes = patchInt(file.toBytes(), offset + 16, 24);
        assertFormatError(write(bytes), offset, "block total length 20 disagrees with its trailing copy 24");
    }

    @Test
    void sectionHeaderTrailerIsCheckedToo() throws IOException
    {
        final byte[] bytes = patchInt(validFile().toBytes(), SECTION_LENGTH - 4, 48);
        assertFormatError(write(bytes), 0, "block total length 44 disagrees with its trailing copy 48");
    }

    @Test
    void capturedLengthLargerThanItsBlock() throws IOException
    {
        final PcapngFile file = validFile().enhancedPacket(0, 1, 100, 100, payload(60, 0));
        assertFormatError(write(file.toBytes()), file.lastBlockOffset(),
            "captured length 100 is larger than its enhanced packet block of 108 bytes");
    }

    @Test
    void capturedLengthOverTheLimit() throws IOException
    {
        final PcapngFile file =
            validFile().enhancedPacket(0, 1, TraceReader.MAX_CAPTURED_LENGTH + 4, 60, payload(60, 0));
        assertFormatError(write(file.toBytes()), file.lastBlockOffset(), "captured length 262148 exceeds the limit");
    }

    @Test
    void truncatedLastBlock() throws IOException
    {
        final PcapngFile file = validFile().enhancedPacket(0, 1, payload(60, 0));
        final byte[] bytes = Arrays.copyOf(file.toBytes(), (int)file.lastBlockOffset() + 50);
        assertFormatError(write(bytes), file.lastBlockOffset(),
            "enhanced packet block truncated (needs 108 bytes, 50 left)");
    }

    @Test
    void truncatedBlockHeader() throws IOException
    {
        final byte[] valid = validFile().toBytes();
        final byte[] bytes = Arrays.copyOf(valid, valid.length + 8);
        assertFormatError(write(bytes), valid.length, "block header truncated (needs 12 bytes, 8 left)");
    }

    @Test
    void truncatedSectionHeader() throws IOException
    {
        final byte[] bytes = Arrays.copyOf(validFile().toBytes(), 16);
        assertFormatError(write(bytes), 0, "section header block truncated (needs 28 bytes, 16 left)");
    }

    @Test
    void badByteOrderMagic() throws IOException
    {
        final byte[] first = patchInt(validFile().toBytes(), 8, 0x12345678);
        assertFormatError(write(first), 0, "section header block has bad byte-order magic 0x78563412");

        final PcapngFile file = validFile().section(ByteOrder.BIG_ENDIAN);
        final int offset = (int)file.lastBlockOffset();
        final byte[] second = patchInt(file.toBytes(), offset + 8, 0);
        assertFormatError(write(second), offset, "bad byte-order magic 0x0");
    }

    @Test
    void unsupportedMajorVersion() throws IOException
    {
        final byte[] bytes = validFile().toBytes();
        bytes[12] = 2;
        assertFormatError(write(bytes), 0, "unsupported pcapng version 2.0");
    }

    @Test
    void optionOverrunningItsBlock() throws IOException
    {
        final PcapngFile file = validFile().interfaceBlock(1, 0, 9, 0);
        final int offset = (int)file.lastBlockOffset();
        // Options start 16 bytes in: if_name "eth0" takes 8 bytes, then if_tsresol's code and length.
        final byte[] bytes = patchShort(file.toBytes(), offset + 26, 200);
        assertFormatError(write(bytes), offset + 24, "option 9 of length 200 overruns its block");
    }

    @Test
    void timestampResolutionOptionOfTheWrongLength() throws IOException
    {
        final PcapngFile file = validFile().interfaceBlock(1, 0, 9, 0);
        final int offset = (int)file.lastBlockOffset();
        final byte[] bytes = patchShort(file.toBytes(), offset + 26, 2);
        assertFormatError(write(bytes), offset + 24, "if_tsresol option has length 2, expected 1");
    }

    @Test
    void unsupportedTimestampResolution() throws IOException
    {
        final PcapngFile file = validFile().interfaceBlock(1, 0, 19, 0);
        assertFormatError(write(file.toBytes()), file.lastBlockOffset() + 24, "unsupported if_tsresol 0x13");
    }

    @Test
    void timestampBeyondTheYear2262() throws IOException
    {
        final PcapngFile file = new PcapngFile(LE).interfaceBlock(1, 0, 0, 0).enhancedPacket(0, 10_000_000_000L,
            payload(20, 0));
        assertFormatError(write(file.toBytes()), file.lastBlockOffset(),
            "timestamp 10000000000 does not fit in 64-bit epoch nanoseconds");
    }

    private static PcapngFile validFile()
    {
        return new PcapngFile(LE).interfaceBlock(TracePacket.LINKTYPE_ETHERNET, 0, -1, 0);
    }

    private static byte[] patchInt(final byte[] bytes, final int offset, final int value)
    {
        ByteBuffer.wrap(bytes).order(LE).putInt(offset, value);
        return bytes;
    }

    private static byte[] patchShort(final byte[] bytes, final int offset, final int value)
    {
        ByteBuffer.wrap(bytes).order(LE).putShort(offset, (short)value);
        return bytes;
    }

    private Path write(final byte[] bytes) throws IOException
    {
        return Files.write(dir.resolve("trace.pcapng"), bytes);
    }
}
