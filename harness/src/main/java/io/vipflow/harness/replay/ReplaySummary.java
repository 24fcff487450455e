package io.vipflow.harness.replay;

import io.vipflow.Decision;
import io.vipflow.Reason;
import io.vipflow.Verdict;
import io.vipflow.packet.Addresses;
import io.vipflow.packet.PacketTuple;

import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Counts what a replay decided: packets by verdict and by Service port, flows, and flows that lost their
 * backend to churn (a later packet went to another backend, or was dropped because its backend was removed).
 * One thread.
 */
public final class ReplaySummary
{
    private final Map<Verdict, Long> byVerdict = new EnumMap<>(Verdict.class);
    private final Map<String, Long> byService = new TreeMap<>();
    private final Map<String, Long> byReason = new TreeMap<>();
    private final Map<String, String> backendOfFlow = new HashMap<>();
    private final Set<String> brokenFlows = new HashSet<>();
    private long packets;
    private long churnEvents;

    public void record(final Decision d)
    {
        packets++;
        byVerdict.merge(d.verdict(), 1L, Long::sum);
        if (d.reason() != Reason.NONE)
        {
            byReason.merge(d.reason().label, 1L, Long::sum);
        }
        if (d.servicePort() == null)
        {
            return;
        }
        byService.merge(d.servicePort().label, 1L, Long::sum);
        if (d.verdict() == Verdict.REPLY)
        {
            return;
        }
        final String flow = flowKey(d.tuple);
        if (d.verdict() == Verdict.DNAT)
        {
            final String previous = backendOfFlow.put(flow, d.backend().name);
            if (previous != null && !previous.equals(d.backend().name))
            {
                brokenFlows.add(flow);
            }
        }
        else if (d.reason() == Reason.BACKEND_REMOVED && backendOfFlow.containsKey(flow))
        {
            brokenFlows.add(flow);
        }
    }

    public void churnApplied()
    {
        churnEvents++;
    }

    public long packets()
    {
        return packets;
    }

    public long count(final Verdict v)
    {
        return byVerdict.getOrDefault(v, 0L);
    }

    /** Flows (5-tuples) that were sent to a backend at least once. */
    public int flows()
    {
        return backendOfFlow.size();
    }

    public int flowsBrokenByChurn()
    {
        return brokenFlows.size();
    }

    public Map<String, Long> byService()
    {
        return Map.copyOf(byService);
    }

    public void print(final PrintWriter out)
    {
        out.printf("packets: %d (%s)%n", packets, verdicts());
        if (!byReason.isEmpty())
        {
            out.printf("reasons: %s%n", byReason);
        }
        out.println("by service:");
        byService.forEach((k, v) -> out.printf("  %-40s %d%n", k, v));
        out.printf("flows: %d, churn events applied: %d, flows that lost their backend to churn: %d%n",
            flows(), churnEvents, flowsBrokenByChurn());
    }

    private String verdicts()
    {
        final StringBuilder sb = new StringBuilder();
        for (final Verdict v : Verdict.values())
        {
            if (sb.length() > 0)
            {
                sb.append(", ");
            }
            sb.append(v.name()).append(' ').append(count(v));
        }
        return sb.toString();
    }

    private static String flowKey(final PacketTuple t)
    {
        return t.protocol + " " + Addresses.formatSocket(t.ipv6, t.srcHi, t.srcLo, t.srcPort) + " " +
            Addresses.formatSocket(t.ipv6, t.dstHi, t.dstLo, t.dstPort);
    }
}
