package io.vipflow.sched;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parsed scheduler flags: comma-separated words as ipvsadm and kube-proxy write them ({@code sh-fallback,sh-port}),
 * some with a value ({@code table-size=16381}). Control plane only.
 */
final class SchedulerFlags
{
    private final String scheduler;
    private final Map<String, String> values = new LinkedHashMap<>();

    /**
     * @param scheduler the scheduler the flags are for (for messages)
     * @param text      the flags, or null / blank for none
     * @param allowed   the flag names this scheduler accepts ({@code name} or {@code name=})
     * @throws IllegalArgumentException naming the valid flags when one is unknown or malformed
     */
    SchedulerFlags(final String scheduler, final String text, final List<String> allowed)
    {
        this.scheduler = scheduler;
        if (text == null || text.isBlank())
        {
            return;
        }
        for (final String raw : text.split(","))
        {
            final String flag = raw.trim();
            if (flag.isEmpty())
            {
                continue;
            }
            final int eq = flag.indexOf('=');
            final String key = eq < 0 ? flag : flag.substring(0, eq).trim();
            final boolean valued = allowed.contains(key + "=");
            if (!valued && !allowed.contains(key) || valued != (eq >= 0))
            {
                throw new IllegalArgumentException("unknown flag '" + flag + "' for scheduler '" + scheduler + "' (" +
                    (allowed.isEmpty() ? "it takes no flags" : "valid: " + describe(allowed)) + ")");
            }
            values.put(key, eq < 0 ? "" : flag.substring(eq + 1).trim());
        }
    }

    private static String describe(final List<String> allowed)
    {
        final StringBuilder sb = new StringBuilder();
        for (final String a : allowed)
        {
            sb.append(sb.length() == 0 ? "" : ", ").append(a.endsWith("=") ? a + "N" : a);
        }
        return sb.toString();
    }

    boolean has(final String flag)
    {
        return values.containsKey(flag);
    }

    /** The integer value of {@code key=N}, {@code defaultValue} when absent, refused outside {@code min..max}. */
    int integer(final String key, final int defaultValue, final int min, final int max)
    {
        final String v = values.get(key);
        if (v == null)
        {
            return defaultValue;
        }
        try
        {
            final int n = Integer.parseInt(v);
            if (n >= min && n <= max)
            {
                return n;
            }
        }
        catch (final NumberFormatException ex)
        {
            // reported below
        }
        throw new IllegalArgumentException("flag " + key + "='" + v + "' of scheduler '" + scheduler +
            "' must be an integer in " + min + ".." + max);
    }
}
