package io.vipflow.testkit;

import io.vipflow.testkit.oracle.Expectation;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The first packet of a workload on which the proxy under test and the reference model disagree, with what led to
 * it. {@link #describe()} writes it for a person: the packet and its time, what the model allowed, what the proxy
 * chose, then the cluster, the changes applied before the packet and the packets played, each with the proxy's
 * choice.
 * <p>
 * Thread contract: immutable.
 *
 * @param workload the workload played.
 * @param index    position of the packet in {@code workload.packets()}.
 * @param expected what the reference model allowed.
 * @param chosen   the proxy's outcome for each packet played, up to and including this one, as
 *                 {@link Outcome#toString()} writes it ({@code ip:port}, {@code REJECT}, {@code DROP} or
 *                 {@code PASS}); for this packet, the exception's description if the proxy threw one.
 */
public record Mismatch(Workload workload, int index, Expectation expected, List<String> chosen)
{
    /** Packet lines shown at most; the rest are counted. */
    static final int MAX_PACKET_LINES = 12;
    /** Change lines shown at most. */
    static final int MAX_CHANGE_LINES = 6;
    /** Cluster lines shown at most. */
    static final int MAX_CLUSTER_LINES = 8;

    /**
     * Copies the list.
     *
     * @param workload as {@link #workload()}.
     * @param index as {@link #index()}.
     * @param expected as {@link #expected()}.
     * @param chosen as {@link #chosen()}.
     */
    public Mismatch
    {
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(expected, "expected");
        chosen = List.copyOf(chosen);
    }

    /**
     * @return the packet the proxy got wrong.
     */
    public Packet packet()
    {
        return workload.packets().get(index);
    }

    /**
     * At most 36 lines (the property adds one naming the seed): a headline of four lines, then at most
     * {@value #MAX_CLUSTER_LINES} lines of cluster, {@value #MAX_CHANGE_LINES} of changes and
     * {@value #MAX_PACKET_LINES} of packets (those of the failing packet's flow first, then the latest others), each
     * section with its title and a line counting what was left out.
     *
     * @return the description.
     */
    public String describe()
    {
        final Packet p = packet();
        final List<String> lines = new ArrayList<>();
        lines.add(String.format(java.util.Locale.ROOT, "the proxy disagrees with the reference model at t=%.3fs, " +
            "packet %d of %d:", p.atNanos() / 1e9, index + 1, workload.packets().size()));
        lines.add("  packet:  " + p);
        lines.add("  allowed: " + expected);
        lines.add("  proxy:   " + chosen.get(index));
        lines.add("cluster (proxy on " + workload.cluster().nodeName() + ", " + workload.cluster().nodeIp() + "):");
        capped(lines, workload.cluster().describe(), MAX_CLUSTER_LINES, "lines");
        final List<String> changes = new ArrayList<>();
        for (final ChurnEvent e : workload.changes())
        {
            if (e.atNanos() <= p.atNanos())
            {
                changes.add("  " + Workload.describe(e));
            }
        }
        if (!changes.isEmpty())
        {
            lines.add("changes before the packet:");
            capped(lines, changes, MAX_CHANGE_LINES, "changes");
        }
        lines.add("packets played (-> the proxy's choice):");
        lines.addAll(packetLines());
        return String.join("\n", lines);
    }

    private List<String> packetLines()
    {
        final Packet failing = packet();
        final List<Integer> shown = new ArrayList<>();
        for (int i = index; i >= 0 && shown.size() < MAX_PACKET_LINES; i--)
        {
            final Packet q = workload.packets().get(i);
            if (q.client().equals(failing.client()) && q.clientPort() == failing.clientPort())
            {
                shown.add(i);
            }
        }
        for (int i = index; i >= 0 && shown.size() < MAX_PACKET_LINES; i--)
        {
            if (!shown.contains(i))
            {
                shown.add(i);
            }
        }
        shown.sort(null);
        final List<String> lines = new ArrayList<>();
        if (shown.size() < index + 1)
        {
            lines.add("  (" + (index + 1 - shown.size()) + " earlier packets of other flows not shown)");
        }
        for (final int i : shown)
        {
            lines.add(String.format(java.util.Locale.ROOT, "  %3d %s -> %s%s", i + 1, workload.packets().get(i),
                chosen.get(i), i == index ? "   <== here" : ""));
        }
        return lines;
    }

    private static void capped(final List<String> out, final List<String> lines, final int max, final String what)
    {
        out.addAll(lines.subList(0, Math.min(max, lines.size())));
        if (lines.size() > max)
        {
            out.add("  (" + (lines.size() - max) + " more " + what + ")");
        }
    }

    /**
     * @return {@link #describe()}.
     */
    @Override
    public String toString()
    {
        return describe();
    }
}
