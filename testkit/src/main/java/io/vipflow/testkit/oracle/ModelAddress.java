package io.vipflow.testkit.oracle;

import java.util.ArrayList;
import java.util.List;

/**
 * Address text for the reference model, written independently of core: literal IPv4 / IPv6 parsing, the
 * canonical RFC 5952 spelling used in backend names, and CIDR membership by comparing bit strings.
 * <p>
 * Every address in the model is a canonical string; nothing here is tuned for speed.
 */
final class ModelAddress
{
    private ModelAddress()
    {
    }

    /** An address is IPv6 when its text has a colon. */
    static boolean isIpv6(final String text)
    {
        return text.indexOf(':') >= 0;
    }

    /** The canonical spelling: dotted quad for IPv4, RFC 5952 for IPv6. */
    static String canonical(final String text)
    {
        return isIpv6(text) ? formatIpv6(ipv6Groups(text)) : formatIpv4(ipv4Octets(text));
    }

    /** A backend or frontend socket name: {@code a.b.c.d:port} or {@code [v6]:port}. */
    static String socket(final String address, final int port)
    {
        final String canonical = canonical(address);
        return isIpv6(canonical) ? "[" + canonical + "]:" + port : canonical + ":" + port;
    }

    /**
     * The canonical text of an address held as two longs in a packet tuple (IPv4 sits in the low 32 bits of
     * {@code lo}).
     */
    static String fromTuple(final boolean ipv6, final long hi, final long lo)
    {
        if (!ipv6)
        {
            final int[] octets = new int[4];
            for (int i = 0; i < 4; i++)
            {
                octets[i] = (int)(lo >>> (24 - 8 * i)) & 0xff;
            }
            return formatIpv4(octets);
        }
        final int[] groups = new int[8];
        for (int i = 0; i < 4; i++)
        {
            groups[i] = (int)(hi >>> (48 - 16 * i)) & 0xffff;
            groups[i + 4] = (int)(lo >>> (48 - 16 * i)) & 0xffff;
        }
        return formatIpv6(groups);
    }

    /**
     * True when {@code address} lies inside {@code cidr} ("net/len"). Addresses of the other family are never
     * inside.
     */
    static boolean inCidr(final String address, final String cidr)
    {
        final int slash = cidr.indexOf('/');
        final String net = cidr.substring(0, slash);
        final int length = Integer.parseInt(cidr.substring(slash + 1));
        if (isIpv6(net) != isIpv6(address))
        {
            return false;
        }
        return bits(address).regionMatches(0, bits(net), 0, length);
    }

    /** The address as a string of '0' and '1', 32 or 128 characters long. */
    static String bits(final String address)
    {
        final StringBuilder sb = new StringBuilder(128);
        if (isIpv6(address))
        {
            for (final int group : ipv6Groups(address))
            {
                appendBits(sb, group, 16);
            }
        }
        else
        {
            for (final int octet : ipv4Octets(address))
            {
                appendBits(sb, octet, 8);
            }
        }
        return sb.toString();
    }

    private static void appendBits(final StringBuilder sb, final int value, final int width)
    {
        for (int bit = width - 1; bit >= 0; bit--)
        {
            sb.append(((value >>> bit) & 1) == 1 ? '1' : '0');
        }
    }

    private static int[] ipv4Octets(final String text)
    {
        final String[] parts = text.split("\\.", -1);
        if (parts.length != 4)
        {
            throw new IllegalArgumentException("not an IPv4 address: " + text);
        }
        final int[] octets = new int[4];
        for (int i = 0; i < 4; i++)
        {
            octets[i] = Integer.parseInt(parts[i]);
            if (octets[i] < 0 || octets[i] > 255)
            {
                throw new IllegalArgumentException("not an IPv4 address: " + text);
            }
        }
        return octets;
    }

    private static int[] ipv6Groups(final String text)
    {
        final String[] halves = text.split("::", -1);
        if (halves.length > 2)
        {
            throw new IllegalArgumentException("not an IPv6 address: " + text);
        }
        final List<Integer> head = groupList(halves[0]);
        final List<Integer> tail = halves.length == 2 ? groupList(halves[1]) : List.of();
        if ((halves.length == 1 && head.size() != 8) || head.size() + tail.size() > 8)
        {
            throw new IllegalArgumentException("not an IPv6 address: " + text);
        }
        final int[] groups = new int[8];
        for (int i = 0; i < head.size(); i++)
        {
            groups[i] = head.get(i);
        }
        for (int i = 0; i < tail.size(); i++)
        {
            groups[8 - tail.size() + i] = tail.get(i);
        }
        return groups;
    }

    /** Colon-separated hex groups; a dotted IPv4 tail counts as two groups. */
    private static List<Integer> groupList(final String part)
    {
        final List<Integer> out = new ArrayList<>();
        if (part.isEmpty())
        {
            return out;
        }
        for (final String group : part.split(":", -1))
        {
            if (group.indexOf('.') >= 0)
            {
                final int[] v4 = ipv4Octets(group);
                out.add(v4[0] << 8 | v4[1]);
                out.add(v4[2] << 8 | v4[3]);
            }
            else
            {
                if (group.isEmpty() || group.length() > 4)
                {
                    throw new IllegalArgumentException("not an IPv6 group: '" + group + "'");
                }
                out.add(Integer.parseInt(group, 16));
            }
        }
        return out;
    }

    private static String formatIpv4(final int[] octets)
    {
        return octets[0] + "." + octets[1] + "." + octets[2] + "." + octets[3];
    }

    /**
     * RFC 5952: lower-case hex without leading zeros; the longest run of two or more zero groups (the first
     * such run on a tie) becomes "::".
     */
    private static String formatIpv6(final int[] groups)
    {
        int runStart = -1;
        int runLength = 0;
        int i = 0;
        while (i < 8)
        {
            if (groups[i] != 0)
            {
                i++;
                continue;
            }
            int end = i;
            while (end < 8 && groups[end] == 0)
            {
                end++;
            }
            if (end - i > runLength)
            {
                runStart = i;
                runLength = end - i;
            }
            i = end;
        }
        if (runLength < 2)
        {
            runStart = -1;
        }
        final List<String> before = new ArrayList<>();
        final List<String> after = new ArrayList<>();
        for (int g = 0; g < 8; g++)
        {
            if (runStart >= 0 && g >= runStart && g < runStart + runLength)
            {
                continue;
            }
            (runStart >= 0 && g >= runStart + runLength ? after : before).add(Integer.toHexString(groups[g]));
        }
        if (runStart < 0)
        {
            return String.join(":", before);
        }
        return String.join(":", before) + "::" + String.join(":", after);
    }
}
