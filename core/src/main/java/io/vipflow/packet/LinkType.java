package io.vipflow.packet;

/**
 * The pcap {@code LINKTYPE_} numbers that {@link FrameParser} understands, i.e. what header precedes the IP
 * packet in a captured frame.
 * <p>
 * Thread contract: constants and a pure function; any thread.
 */
public final class LinkType
{
    /** Ethernet II, with any number of 802.1Q / 802.1ad VLAN tags. */
    public static final int ETHERNET = 1;
    /** Raw IP, the version taken from the first nibble. */
    public static final int RAW = 101;
    /** Raw IP under the {@code DLT_RAW} value most systems use; some writers store it instead of {@link #RAW}. */
    public static final int RAW_DLT_12 = 12;
    /** Raw IP under the {@code DLT_RAW} value of OpenBSD, found in files written there. */
    public static final int RAW_DLT_14 = 14;
    /** Raw IPv4 only. */
    public static final int IPV4 = 228;
    /** Raw IPv6 only. */
    public static final int IPV6 = 229;
    /** Linux cooked capture v1 ("any" interface): 16-byte header, protocol type at offset 14. */
    public static final int LINUX_SLL = 113;
    /** Linux cooked capture v2: 20-byte header, protocol type at offset 0. */
    public static final int LINUX_SLL2 = 276;

    private LinkType()
    {
    }

    /**
     * {@return true when {@link FrameParser} can parse frames of this link type}
     *
     * @param linkType a pcap LINKTYPE_ number
     */
    public static boolean isSupported(final int linkType)
    {
        switch (linkType)
        {
            case ETHERNET:
            case RAW:
            case RAW_DLT_12:
            case RAW_DLT_14:
            case IPV4:
            case IPV6:
            case LINUX_SLL:
            case LINUX_SLL2:
                return true;
            default:
                return false;
        }
    }
}
