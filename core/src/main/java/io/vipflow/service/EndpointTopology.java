package io.vipflow.service;

import java.util.List;

/**
 * Which endpoints of a Service port the node's topology lets into its cluster set, and which are on this node, as
 * kube-proxy's {@code pkg/proxy/topology.go} decides it. Control plane only: the zone and the node-hint gate change
 * between compiles, never during one.
 */
final class EndpointTopology
{
    private final String nodeName;
    private String zone = "";
    private boolean preferSameNode = true;

    EndpointTopology(final String nodeName)
    {
        this.nodeName = nodeName;
    }

    /** The node's zone and the node-hint gate, for the topology of cluster sets compiled from now on. */
    void set(final String nodeZone, final boolean nodeHints)
    {
        this.zone = nodeZone;
        this.preferSameNode = nodeHints;
    }

    /** kube-proxy's topology modes: none, {@code PreferSameZone}, {@code PreferSameNode}. */
    enum Topology
    {
        NONE, SAME_ZONE, SAME_NODE
    }

    /**
     * kube-proxy {@code pkg/proxy/topology.go} {@code topologyModeFromHints}, over the ready endpoints only: node
     * hints when the gate is on, every ready endpoint has one and one names this node; else zone hints when every
     * ready endpoint has one and one names this node's zone (an empty zone never matches); else none.
     */
    Topology topologyMode(final List<ListedSlice.Entry> listed)
    {
        boolean anyReady = false;
        boolean allNodeHints = true;
        boolean forThisNode = false;
        boolean allZoneHints = true;
        boolean forThisZone = false;
        for (final ListedSlice.Entry l : listed)
        {
            final EndpointSpec e = l.endpoint;
            if (!e.ready())
            {
                continue;
            }
            anyReady = true;
            if (e.nodeHints().isEmpty())
            {
                allNodeHints = false;
            }
            else if (e.nodeHints().contains(nodeName))
            {
                forThisNode = true;
            }
            if (e.zoneHints().isEmpty())
            {
                allZoneHints = false;
            }
            else if (e.zoneHints().contains(zone))
            {
                forThisZone = true;
            }
        }
        if (!anyReady)
        {
            return Topology.NONE;
        }
        if (preferSameNode && allNodeHints && forThisNode)
        {
            return Topology.SAME_NODE;
        }
        return allZoneHints && forThisZone ? Topology.SAME_ZONE : Topology.NONE;
    }

    /** kube-proxy {@code availableForTopology}: no fallback here, the fallback is in the choice of mode. */
    boolean availableForTopology(final EndpointSpec e, final Topology mode)
    {
        switch (mode)
        {
            case SAME_NODE:
                return e.nodeHints().contains(nodeName);
            case SAME_ZONE:
                return e.zoneHints().contains(zone);
            default:
                return true;
        }
    }

    boolean isLocal(final EndpointSpec e)
    {
        return !nodeName.isEmpty() && nodeName.equals(e.nodeName());
    }
}
