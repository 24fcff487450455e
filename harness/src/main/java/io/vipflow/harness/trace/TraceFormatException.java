package io.vipflow.harness.trace;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A capture file is malformed, truncated or in a format that is not supported. The message names the file and the
 * byte offset of the smallest structure found wrong (file header, record, block or option), so the place can be
 * found with a hex dump.
 * <p>
 * Thread contract: immutable once thrown.
 */
public final class TraceFormatException extends IOException
{
    private static final long serialVersionUID = 1L;

    private final transient Path path;
    private final long offset;

    /**
     * @param path   file being read.
     * @param offset byte offset from the start of the file.
     * @param detail what is wrong, without the file name or offset.
     */
    public TraceFormatException(final Path path, final long offset, final String detail)
    {
        super(path + ": byte " + offset + ": " + detail);
        this.path = path;
        this.offset = offset;
    }

    /**
     * @return the file being read when the problem was found.
     */
    public Path getPath()
    {
        return path;
    }

    /**
     * @return byte offset from the start of the file of the structure found wrong.
     */
    public long getOffset()
    {
        return offset;
    }
}
