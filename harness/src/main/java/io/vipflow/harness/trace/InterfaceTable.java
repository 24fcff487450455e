package io.vipflow.harness.trace;

import java.util.Arrays;

/**
 * The interfaces a pcapng section has described so far, in the order of their Interface Description Blocks, which
 * is how packet blocks refer to them. Kept as parallel primitive arrays; they grow only when an interface is added.
 * <p>
 * Thread contract: used by the one thread that owns the reader.
 */
final class InterfaceTable
{
    /** A bound on memory for a corrupt file that is nothing but interface blocks; real captures have a few. */
    static final int MAX_INTERFACES = 1 << 16;

    private int count;
    private int[] linkTypes = new int[4];
    private int[] snapLengths = new int[4];
    private int[] resolutions = new int[4];
    private long[] offsetSeconds = new long[4];

    /** Forgets every interface, as a new section starts numbering from 0. */
    void clear()
    {
        count = 0;
    }

    int count()
    {
        return count;
    }

    boolean isFull()
    {
        return count == MAX_INTERFACES;
    }

    /**
     * @param linkType      pcap LINKTYPE_ number.
     * @param snapLength    unsigned maximum captured length in bytes, 0 for none.
     * @param resolution    the {@code if_tsresol} byte.
     * @param offsetSeconds the {@code if_tsoffset} value in seconds.
     */
    void add(final int linkType, final int snapLength, final int resolution, final long offsetSeconds)
    {
        if (count == linkTypes.length)
        {
            final int capacity = count * 2;
            linkTypes = Arrays.copyOf(linkTypes, capacity);
            snapLengths = Arrays.copyOf(snapLengths, capacity);
            resolutions = Arrays.copyOf(resolutions, capacity);
            this.offsetSeconds = Arrays.copyOf(this.offsetSeconds, capacity);
        }
        linkTypes[count] = linkType;
        snapLengths[count] = snapLength;
        resolutions[count] = resolution;
        this.offsetSeconds[count] = offsetSeconds;
        count++;
    }

    int linkType(final int id)
    {
        return linkTypes[id];
    }

    int snapLength(final int id)
    {
        return snapLengths[id];
    }

    int resolution(final int id)
    {
        return resolutions[id];
    }

    long offsetSeconds(final int id)
    {
        return offsetSeconds[id];
    }
}
