package io.vipflow.sched;

import io.vipflow.packet.PacketTuple;

import java.util.ArrayList;
import java.util.List;

/** Test helpers: destinations from "A=4" specs, pick sequences as names. */
final class Dests
{
    static final PacketTuple ANY = new PacketTuple();

    private Dests()
    {
    }

    /** "A=4", "B", "C=0": name and weight (1 when absent), fresh counters. */
    static List<Destination> of(final String... specs)
    {
        final List<Destination> out = new ArrayList<>();
        for (final String s : specs)
        {
            final int eq = s.indexOf('=');
            out.add(eq < 0 ? Destination.of(s) :
                new Destination(s.substring(0, eq), Integer.parseInt(s.substring(eq + 1)), new ConnCounters()));
        }
        return out;
    }

    /** Sets active/inactive counts: counts[i] = {active, inactive}. */
    static List<Destination> counted(final List<Destination> d, final long[]... counts)
    {
        for (int i = 0; i < counts.length; i++)
        {
            d.get(i).counters().set(counts[i][0], counts[i][1]);
        }
        return d;
    }

    static String picks(final Scheduler s, final List<Destination> d, final int n)
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++)
        {
            final int p = s.pick(ANY, i);
            sb.append(sb.length() == 0 ? "" : " ").append(p < 0 ? "-" : d.get(p).name());
        }
        return sb.toString();
    }

    static Scheduler build(final String name, final List<Destination> d)
    {
        return Schedulers.factory(name, 1).create(d, null);
    }

    static String pick(final Scheduler s, final List<Destination> d, final PacketTuple packet)
    {
        final int p = s.pick(packet, 0);
        return p < 0 ? "-" : d.get(p).name();
    }

    /** a.b.c.d as the 32-bit value PacketTuple.setIpv4 takes. */
    static int ip(final int a, final int b, final int c, final int d)
    {
        return (a << 24) | (b << 16) | (c << 8) | d;
    }
}
