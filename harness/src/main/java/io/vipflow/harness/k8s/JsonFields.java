package io.vipflow.harness.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import io.vipflow.packet.Addresses;
import io.vipflow.service.Protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * Typed access to the fields of a Kubernetes object tree. Every accessor takes the path of the parent so that a
 * wrong field is reported as {@code spec.ports[0].port}. A field holding JSON {@code null} is treated as absent,
 * as the API server does for optional fields ({@code omitempty}).
 * <p>
 * Thread contract: stateless.
 */
final class JsonFields
{
    private JsonFields()
    {
    }

    /**
     * @return the path of a field below {@code parent}; keys that are not plain identifiers are quoted:
     * {@code metadata.labels["kubernetes.io/service-name"]}.
     */
    static String path(final String parent, final String field)
    {
        if (!isIdentifier(field))
        {
            return parent + "[\"" + field + "\"]";
        }
        return parent.isEmpty() ? field : parent + "." + field;
    }

    /**
     * @return the path of an array element below {@code parent}.
     */
    static String index(final String parent, final int index)
    {
        return parent + "[" + index + "]";
    }

    /**
     * @return the path one level up: {@code spec.ports[0].port} gives {@code spec.ports[0]}; "" for a top field.
     */
    static String parentOf(final String path)
    {
        if (path.endsWith("\"]"))
        {
            return path.substring(0, path.lastIndexOf("[\""));
        }
        final int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut < 0 ? "" : path.substring(0, cut);
    }

    /**
     * @return the field's value, or null when it is absent or JSON null.
     */
    static JsonNode get(final JsonNode parent, final String field)
    {
        final JsonNode value = parent == null ? null : parent.get(field);
        return value == null || value.isNull() ? null : value;
    }

    /**
     * @return the object held by the field, or null when absent.
     */
    static JsonNode object(final JsonNode parent, final String parentPath, final String field)
    {
        final JsonNode value = get(parent, field);
        if (value != null && !value.isObject())
        {
            throw new ObjectError(path(parentPath, field), "must be an object, found " + describe(value));
        }
        return value;
    }

    /**
     * @return the array held by the field, or null when absent.
     */
    static JsonNode array(final JsonNode parent, final String parentPath, final String field)
    {
        final JsonNode value = get(parent, field);
        if (value != null && !value.isArray())
        {
            throw new ObjectError(path(parentPath, field), "must be a list, found " + describe(value));
        }
        return value;
    }

    /**
     * @return the string held by the field, or null when absent.
     */
    static String string(final JsonNode parent, final String parentPath, final String field)
    {
        return asString(get(parent, field), path(parentPath, field));
    }

    /**
     * @return the string value of a node, or null when it is null.
     */
    static String asString(final JsonNode value, final String path)
    {
        if (value == null)
        {
            return null;
        }
        if (!value.isTextual())
        {
            throw new ObjectError(path, "must be a string, found " + describe(value));
        }
        return value.textValue();
    }

    /**
     * @return the boolean held by the field, or {@code absent} when the field is absent.
     */
    static boolean bool(final JsonNode parent, final String parentPath, final String field, final boolean absent)
    {
        final JsonNode value = get(parent, field);
        if (value == null)
        {
            return absent;
        }
        if (!value.isBoolean())
        {
            throw new ObjectError(path(parentPath, field), "must be true or false, found " + describe(value));
        }
        return value.booleanValue();
    }

    /**
     * @return the integer held by the field, or {@code absent} when the field is absent.
     * @throws ObjectError when the value is not an integer or lies outside {@code min..max}.
     */
    static long integer(
        final JsonNode parent, final String parentPath, final String field, final long min, final long max,
        final long absent)
    {
        final JsonNode value = get(parent, field);
        if (value == null)
        {
            return absent;
        }
        final String path = path(parentPath, field);
        if (!value.isIntegralNumber())
        {
            throw new ObjectError(path, "must be an integer, found " + describe(value));
        }
        if (!value.canConvertToLong() || value.longValue() < min || value.longValue() > max)
        {
            throw new ObjectError(path, value.asText() + " out of range " + min + ".." + max);
        }
        return value.longValue();
    }

    /**
     * @return the strings of a list field, empty when absent.
     */
    static List<String> strings(final JsonNode parent, final String parentPath, final String field)
    {
        final JsonNode list = array(parent, parentPath, field);
        final List<String> out = new ArrayList<>();
        if (list != null)
        {
            final String listPath = path(parentPath, field);
            for (int i = 0; i < list.size(); i++)
            {
                final String text = asString(list.get(i), index(listPath, i));
                if (text == null)
                {
                    throw new ObjectError(index(listPath, i), "must be a string, found null");
                }
                out.add(text);
            }
        }
        return out;
    }

    /**
     * @return the {@code protocol} field of a port entry; absent means TCP, the API default.
     */
    static Protocol protocol(final JsonNode entry, final String path)
    {
        final String text = string(entry, path, "protocol");
        try
        {
            return Protocol.parse(text);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ObjectError(path(path, "protocol"), "'" + text + "' is not TCP, UDP or SCTP");
        }
    }

    /**
     * An IP address of an object in the form the library parses: an IPv4 address whose octets carry leading zeros
     * ({@code 10.180.00.001}) is read in decimal and written without them, as kube-proxy reads it
     * ({@code k8s.io/utils/net} {@code ParseIPSloppy}, used by {@code pkg/proxy/service.go} and
     * {@code endpointslicecache.go}; kube-proxy's {@code TestBadIPs}). The API server refuses such addresses in new
     * objects since its strict IP validation, but objects stored before it may carry them. Anything else is
     * returned as given. The library's own parser ({@code Addresses.parse}) stays strict.
     *
     * @return the address, normalised.
     * @throws ObjectError naming the path when the text is not an IPv4 or IPv6 address.
     */
    static String ip(final String address, final String path)
    {
        final String normalised = sloppyIpv4(address);
        ipFamily(normalised, path);
        return normalised;
    }

    /**
     * A CIDR of an object in the form the library parses: its address as {@link #ip} normalises it and its prefix
     * length without leading zeros ({@code 203.0.113.000/025} is {@code 203.0.113.0/25}, as {@code ParseCIDRSloppy}
     * reads it). The text is not validated here.
     */
    static String cidr(final String cidr)
    {
        final int slash = cidr.indexOf('/');
        if (slash < 0)
        {
            return cidr;
        }
        final String length = cidr.substring(slash + 1);
        return sloppyIpv4(cidr.substring(0, slash)) + "/" + (isDigits(length) ? withoutLeadingZeros(length) : length);
    }

    /** Four dot-separated runs of decimal digits, each at most 255, written without leading zeros; else the text. */
    private static String sloppyIpv4(final String text)
    {
        final String[] octets = text.split("\\.", -1);
        if (octets.length != 4)
        {
            return text;
        }
        final StringBuilder sb = new StringBuilder(15);
        for (final String octet : octets)
        {
            if (!isDigits(octet))
            {
                return text;
            }
            final String value = withoutLeadingZeros(octet);
            if (value.length() > 3 || Integer.parseInt(value) > 255)
            {
                return text;
            }
            sb.append(sb.length() == 0 ? "" : ".").append(value);
        }
        return sb.toString();
    }

    private static boolean isDigits(final String text)
    {
        return !text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static String withoutLeadingZeros(final String digits)
    {
        int i = 0;
        while (i < digits.length() - 1 && digits.charAt(i) == '0')
        {
            i++;
        }
        return digits.substring(i);
    }

    /**
     * Validates an IP address literal.
     *
     * @return the address family, 4 or 6.
     * @throws ObjectError naming the path when the text is not an IPv4 or IPv6 address.
     */
    static int ipFamily(final String address, final String path)
    {
        final long[] parsed;
        try
        {
            parsed = Addresses.parse(address);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ObjectError(path, "'" + address + "' is not a valid IP address");
        }
        // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) matches no packet as written, IPv4 or IPv6; the API
        // server's IP validation refuses it (KEP-4858, k8s.io/apimachinery/pkg/util/validation/ip.go,
        // IsValidIP).
        if (parsed[2] == 6 && parsed[0] == 0 && (parsed[1] >>> 32) == 0xFFFFL)
        {
            throw new ObjectError(path, "'" + address + "' is an IPv4-mapped IPv6 address, which matches no " +
                "packet; write the IPv4 address itself");
        }
        return (int)parsed[2];
    }

    /**
     * @return a short description of a value for messages: {@code 'text'}, {@code 70000}, {@code a list}.
     */
    static String describe(final JsonNode value)
    {
        if (value == null || value.isNull())
        {
            return "null";
        }
        if (value.isTextual())
        {
            return "'" + value.textValue() + "'";
        }
        if (value.isObject())
        {
            return "an object";
        }
        if (value.isArray())
        {
            return "a list";
        }
        return value.asText();
    }

    private static boolean isIdentifier(final String field)
    {
        if (field.isEmpty())
        {
            return false;
        }
        for (int i = 0; i < field.length(); i++)
        {
            final char c = field.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '_' || c == '-'))
            {
                return false;
            }
        }
        return true;
    }
}
