package io.vipflow.harness.sched;

import io.vipflow.sched.ConnCounters;
import io.vipflow.sched.Destination;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the command line's backend lists: {@code A=4,B=3,C} (name and weight, 1 when absent) and connection
 * counts {@code A=3/1,B=0/7} (active/inactive). Errors are {@link IllegalArgumentException}s with a one-line
 * message naming the bad item. Stateless.
 */
final class BackendSpecs
{
    private BackendSpecs()
    {
    }

    /** Destinations in the order given (the order IPVS lists them in when added in that order). */
    static List<Destination> backends(final String text)
    {
        final Map<String, Destination> byName = new LinkedHashMap<>();
        for (final String raw : items(text, "--backends"))
        {
            final int eq = raw.indexOf('=');
            final String name = (eq < 0 ? raw : raw.substring(0, eq)).trim();
            final int weight = eq < 0 ? 1 : number(raw.substring(eq + 1).trim(), "weight of backend '" + name + "'");
            if (name.isEmpty())
            {
                throw new IllegalArgumentException("--backends: empty backend name in '" + raw + "'");
            }
            if (byName.put(name, new Destination(name, weight, new ConnCounters())) != null)
            {
                throw new IllegalArgumentException("--backends: backend '" + name + "' listed twice");
            }
        }
        return new ArrayList<>(byName.values());
    }

    /** Sets the counts of the named destinations. */
    static void connections(final String text, final List<Destination> destinations)
    {
        for (final String raw : items(text, "--connections"))
        {
            final int eq = raw.indexOf('=');
            final int slash = raw.indexOf('/', Math.max(eq, 0));
            if (eq < 0 || slash < 0)
            {
                throw new IllegalArgumentException("--connections: '" + raw + "' is not NAME=ACTIVE/INACTIVE");
            }
            final String name = raw.substring(0, eq).trim();
            final Destination d = destinations.stream().filter(x -> x.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("--connections: no backend named '" + name + "'"));
            d.counters().set(number(raw.substring(eq + 1, slash).trim(), "active count of '" + name + "'"),
                number(raw.substring(slash + 1).trim(), "inactive count of '" + name + "'"));
        }
    }

    private static List<String> items(final String text, final String option)
    {
        final List<String> out = new ArrayList<>();
        for (final String item : text.split(","))
        {
            if (!item.isBlank())
            {
                out.add(item.trim());
            }
        }
        if (out.isEmpty())
        {
            throw new IllegalArgumentException(option + ": empty list");
        }
        return out;
    }

    static int number(final String text, final String what)
    {
        try
        {
            final int n = Integer.parseInt(text);
            if (n >= 0)
            {
                return n;
            }
        }
        catch (final NumberFormatException ex)
        {
            // reported below
        }
        throw new IllegalArgumentException(what + " must be a whole number >= 0: '" + text + "'");
    }
}
