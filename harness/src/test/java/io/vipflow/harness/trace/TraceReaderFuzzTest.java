package io.vipflow.harness.trace;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of {@link TraceReader}: any file gives packets or a {@link TraceFormatException} naming a
 * position inside the file, never another exception, and no length field makes the reader allocate more than the
 * file could hold.
 * <p>
 * The magic number is fixed by the target so that the fuzzer spends its time past it: {@link #pcap} takes one byte
 * choosing among the four classic pcap magics followed by the file from byte 4 on; {@link #pcapng} takes the file
 * from byte 4 on (after the Section Header Block type). Without {@code JAZZER_FUZZ} the committed inputs under
 * {@code src/test/resources/io/vipflow/harness/trace/TraceReaderFuzzTestInputs/} run as regression tests.
 */
class TraceReaderFuzzTest
{
    private static final int[] PCAP_MAGICS = {0xA1B2C3D4, 0xA1B23C4D, 0xD4C3B2A1, 0x4D3CB2A1};
    /**
     * The most a file may cost beyond four times its length. Generous because the first pass through a code path
     * loads classes and bootstraps string concatenation (megabytes, once); a length field that drove allocation
     * would cost up to gigabytes, far above it.
     */
    private static final long ALLOCATION_ALLOWANCE = 64L << 20;
    private static final com.sun.management.ThreadMXBean THREAD =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
    /** The readers take paths; one file per JVM, rewritten for every input. */
    private static final Path FILE = tempFile();

    @FuzzTest(maxDuration = "30s")
    void pcap(final byte[] input) throws IOException
    {
        if (input.length < 1)
        {
            return;
        }
        read(ByteBuffer.allocate(input.length + 3).putInt(PCAP_MAGICS[(input[0] & 0xff) % PCAP_MAGICS.length])
            .put(input, 1, input.length - 1).array());
    }

    @FuzzTest(maxDuration = "30s")
    void pcapng(final byte[] input) throws IOException
    {
        read(ByteBuffer.allocate(input.length + 4).putInt(TraceReader.PCAPNG_MAGIC).put(input).array());
    }

    private static void read(final byte[] file) throws IOException
    {
        Files.write(FILE, file);
        final long size = file.length;
        final long allocatedBefore = THREAD.getCurrentThreadAllocatedBytes();
        try
        {
            readAll(size);
        }
        finally
        {
            // Whatever a length field declares, reading a file costs heap in proportion to the file, not to the field.
            final long allocated = THREAD.getCurrentThreadAllocatedBytes() - allocatedBefore;
            assertTrue(allocated <= ALLOCATION_ALLOWANCE + 4 * size,
                () -> allocated + " bytes allocated to read a file of " + size);
        }
    }

    private static void readAll(final long size) throws IOException
    {
        final TracePacket packet = new TracePacket();
        final int initialCapacity = packet.data.length;
        long packets = 0;
        long lastOffset = -1;
        try (TraceReader reader = TraceReader.open(FILE))
        {
            while (reader.next(packet))
            {
                packets++;
                assertTrue(packet.capturedLength >= 0 && packet.capturedLength <= TraceReader.MAX_CAPTURED_LENGTH,
                    packet::toString);
                assertTrue(packet.capturedLength <= packet.data.length, packet::toString);
                assertTrue(packet.originalLength >= 0, packet::toString);
                assertTrue(packet.fileOffset > lastOffset && packet.fileOffset + packet.capturedLength <= size,
                    packet::toString);
                assertEquals(packets - 1, packet.index);
                lastOffset = packet.fileOffset;
                // The holder grows to the next power of two of a captured length, which was read from the file.
                assertTrue(packet.data.length <= Math.max(initialCapacity, 2 * size),
                    () -> "holder of " + packet.data.length + " bytes for a file of " + size);
            }
            assertEquals(packets, reader.packetCount());
            assertTrue(!reader.next(packet), "a reader at its end stays there");
        }
        catch (final TraceFormatException ex)
        {
            assertTrue(ex.getOffset() >= 0 && ex.getOffset() <= size, ex::getMessage);
            assertTrue(ex.getMessage().contains(": byte " + ex.getOffset() + ": "), ex::getMessage);
            assertEquals(FILE, ex.getPath());
        }
    }

    private static Path tempFile()
    {
        try
        {
            // In memory where there is a tmpfs: the fuzzer writes this file for every input.
            final Path shm = Path.of("/dev/shm");
            final Path file = Files.isDirectory(shm) && Files.isWritable(shm) ?
                Files.createTempFile(shm, "vipflow-fuzz-", ".trace") : Files.createTempFile("vipflow-fuzz-", ".trace");
            file.toFile().deleteOnExit();
            return file;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
