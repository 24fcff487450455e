package io.vipflow.packet;

/**
 * 128-bit address helpers. Every address is two longs, most significant first; IPv4 is kept as the
 * IPv4-mapped IPv6 address {@code ::ffff:a.b.c.d} (RFC 4291 §2.5.5.2): {@code hi = 0},
 * {@code lo = 0x0000_ffff_0000_0000 | v4}.
 * <p>
 * Parsing and formatting allocate and belong to the control plane and to tools; the predicates are
 * allocation-free.
 */
public final class Addresses
{
    private static final long V4_MAPPED_PREFIX = 0x0000_ffff_0000_0000L;

    private Addresses()
    {
    }

    /**
     * An IPv4 address in the 128-bit form every table uses.
     *
     * @param v4 the IPv4 address as a 32-bit value
     * @return the low 64 bits of its IPv4-mapped IPv6 form ({@code ::ffff:a.b.c.d}); the high 64 bits are 0
     */
    public static long ipv4Lo(final int v4)
    {
        return V4_MAPPED_PREFIX | (v4 & 0xffff_ffffL);
    }

    /**
     * Whether a 128-bit address is an IPv4-mapped one.
     *
     * @param hi the address, high 64 bits
     * @param lo the address, low 64 bits
     * @return true when it is {@code ::ffff:a.b.c.d}
     */
    public static boolean isIpv4Mapped(final long hi, final long lo)
    {
        return hi == 0 && (lo & 0xffff_ffff_0000_0000L) == V4_MAPPED_PREFIX;
    }

    /**
     * Parses a literal IPv4 or IPv6 address (no host names, no zone, no prefix).
     *
     * @param text the address
     * @return {hi, lo, family} with family 4 or 6
     * @throws IllegalArgumentException naming the text when it is not an address
     */
    public static long[] parse(final String text)
    {
        if (text == null || text.isEmpty())
        {
            throw new IllegalArgumentException("empty IP address");
        }
        if (text.indexOf(':') < 0)
        {
            return new long[] {0, ipv4Lo(parseIpv4(text)), 4};
        }
        return parseIpv6(text);
    }

    /**
     * Parses dotted-quad IPv4 into its 32-bit value: four decimal octets of ASCII digits, no leading zeros. One pass
     * over the characters, no allocation: the control plane parses every endpoint address of a changed Service.
     *
     * @param text the address
     * @return its 32-bit value
     * @throws IllegalArgumentException naming the text when it is not an IPv4 address
     */
    public static int parseIpv4(final String text)
    {
        final int n = text.length();
        int v = 0;
        int octets = 0;
        int i = 0;
        while (true)
        {
            final int start = i;
            int octet = 0;
            while (i < n && i - start < 4 && text.charAt(i) >= '0' && text.charAt(i) <= '9')
            {
                octet = octet * 10 + text.charAt(i) - '0';
                i++;
            }
            final int digits = i - start;
            if (digits == 0 || digits > 3 || digits > 1 && text.charAt(start) == '0' || octet > 255)
            {
                throw new IllegalArgumentException("invalid IPv4 address '" + text + "'");
            }
            v = (v << 8) | octet;
            octets++;
            if (i == n)
            {
                break;
            }
            if (text.charAt(i) != '.' || octets == 4)
            {
                throw new IllegalArgumentException("invalid IPv4 address '" + text + "'");
            }
            i++;
        }
        if (octets != 4)
        {
            throw new IllegalArgumentException("invalid IPv4 address '" + text + "'");
        }
        return v;
    }

    private static long[] parseIpv6(final String text)
    {
        final int doubleColon = text.indexOf("::");
        if (doubleColon >= 0 && text.indexOf("::", doubleColon + 1) >= 0)
        {
            throw new IllegalArgumentException("invalid IPv6 address '" + text + "'");
        }
        final int[] groups = new int[8];
        final String head = doubleColon >= 0 ? text.substring(0, doubleColon) : text;
        final String tail = doubleColon >= 0 ? text.substring(doubleColon + 2) : "";
        final int[] headGroups = parseGroups(head, text, doubleColon < 0);
        final int[] tailGroups = parseGroups(tail, text, true);
        final int total = headGroups.length + tailGroups.length;
        if ((doubleColon < 0 && total != 8) || (doubleColon >= 0 && total > 7))
        {
            throw new IllegalArgumentException("invalid IPv6 address '" + text + "'");
        }
        System.arraycopy(headGroups, 0, groups, 0, headGroups.length);
        System.arraycopy(tailGroups, 0, groups, 8 - tailGroups.length, tailGroups.length);
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 4; i++)
        {
            hi = (hi << 16) | groups[i];
            lo = (lo << 16) | groups[i + 4];
        }
        return new long[] {hi, lo, 6};
    }

    /** Groups of 16 bits; the last may be an embedded dotted IPv4 address when allowed. */
    private static int[] parseGroups(final String part, final String whole, final boolean v4TailAllowed)
    {
        if (part.isEmpty())
        {
            return new int[0];
        }
        final String[] items = part.split(":", -1);
        int count = items.length;
        final boolean v4Tail = v4TailAllowed && items[items.length - 1].indexOf('.') >= 0;
        final int[] out = new int[v4Tail ? count + 1 : count];
        for (int i = 0; i < items.length; i++)
        {
            final String g = items[i];
            if (v4Tail && i == items.length - 1)
            {
                final int v4 = parseIpv4(g);
                out[i] = v4 >>> 16;
                out[i + 1] = v4 & 0xffff;
                break;
            }
            if (g.isEmpty() || g.length() > 4)
            {
                throw new IllegalArgumentException("invalid IPv6 address '" + whole + "'");
            }
            try
            {
                out[i] = Integer.parseInt(g, 16);
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("invalid IPv6 address '" + whole + "'");
            }
        }
        return out;
    }

    /**
     * Formats an address: dotted quad for IPv4, RFC 5952 compressed form for IPv6.
     *
     * @param ipv6 the address family
     * @param hi   the address, high 64 bits
     * @param lo   the address, low 64 bits
     * @return the text
     */
    public static String format(final boolean ipv6, final long hi, final long lo)
    {
        if (!ipv6)
        {
            final int v4 = (int)lo;
            return ((v4 >>> 24) & 0xff) + "." + ((v4 >>> 16) & 0xff) + "." + ((v4 >>> 8) & 0xff) + "." + (v4 & 0xff);
        }
        final int[] g = new int[8];
        for (int i = 0; i < 4; i++)
        {
            g[i] = (int)(hi >>> (48 - 16 * i)) & 0xffff;
            g[i + 4] = (int)(lo >>> (48 - 16 * i)) & 0xffff;
        }
        // RFC 5952: compress the longest run (length >= 2) of zero groups, the first one on a tie.
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; )
        {
            if (g[i] != 0)
            {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0)
            {
                j++;
            }
            if (j - i > bestLen)
            {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (bestLen < 2)
        {
            bestStart = -1;
        }
        final StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++)
        {
            if (i == bestStart)
            {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':')
            {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    /**
     * {@return {@code a.b.c.d:port} or {@code [v6]:port}}
     *
     * @param ipv6 the address family
     * @param hi   the address, high 64 bits
     * @param lo   the address, low 64 bits
     * @param port the port
     */
    public static String formatSocket(final boolean ipv6, final long hi, final long lo, final int port)
    {
        return ipv6 ? "[" + format(true, hi, lo) + "]:" + port : format(false, hi, lo) + ":" + port;
    }

    /**
     * {@return true when the address lies in the prefix {@code (netHi, netLo)/prefixLength}}
     *
     * @param hi           the address, high 64 bits
     * @param lo           the address, low 64 bits
     * @param netHi        the prefix's network, high 64 bits
     * @param netLo        the prefix's network, low 64 bits
     * @param prefixLength the prefix length over the 128-bit form
     */
    public static boolean inPrefix(final long hi, final long lo, final long netHi, final long netLo,
        final int prefixLength)
    {
        if (prefixLength <= 0)
        {
            return true;
        }
        if (prefixLength <= 64)
        {
            final long mask = prefixLength == 64 ? -1L : ~(-1L >>> prefixLength);
            return (hi & mask) == (netHi & mask);
        }
        final int loBits = prefixLength - 64;
        final long mask = loBits >= 64 ? -1L : ~(-1L >>> loBits);
        return hi == netHi && (lo & mask) == (netLo & mask);
    }

    /**
     * Parses a CIDR prefix such as {@code 10.0.0.0/8} or {@code 2001:db8::/32}.
     *
     * @param text the prefix
     * @return {hi, lo, prefixLength over the 128-bit form (IPv4 lengths are offset by 96), family 4 or 6}
     * @throws IllegalArgumentException naming the text when it is not a prefix
     */
    public static long[] parseCidr(final String text)
    {
        final int slash = text == null ? -1 : text.indexOf('/');
        if (slash < 0)
        {
            throw new IllegalArgumentException("invalid CIDR '" + text + "' (expected address/prefix)");
        }
        final long[] address = parse(text.substring(0, slash));
        final int max = address[2] == 4 ? 32 : 128;
        final String prefix = text.substring(slash + 1);
        if (prefix.isEmpty() || prefix.length() > 3 || !prefix.chars().allMatch(c -> c >= '0' && c <= '9'))
        {
            throw new IllegalArgumentException("invalid CIDR '" + text + "' (prefix is not a number)");
        }
        final int length = Integer.parseInt(prefix);
        if (length < 0 || length > max)
        {
            throw new IllegalArgumentException("invalid CIDR '" + text + "' (prefix out of range 0.." + max + ")");
        }
        return new long[] {address[0], address[1], address[2] == 4 ? 96 + length : length, address[2]};
    }
}
