package io.vipflow.testkit.oracle;

import java.util.Map;
import java.util.Set;

/**
 * What docs/SEMANTICS.md §2 makes of one Service port in one address family: every listed backend and the two
 * sets that may take new flows. Backends are named {@code ip:port} or {@code [v6]:port}.
 *
 * @param listed  every backend listed in the Service's slices for this port, with the endpoint's node name,
 *                whatever its conditions (listed backends keep their flows, §4)
 * @param cluster the cluster set: ready endpoints, or the serving and terminating ones when none is ready
 * @param local   the same rule applied to this node's endpoints only
 */
public record BackendSelection(Map<String, String> listed, Set<String> cluster, Set<String> local)
{
    /**
     * Copies the collections.
     *
     * @param listed  as {@link #listed()}
     * @param cluster as {@link #cluster()}
     * @param local   as {@link #local()}
     */
    public BackendSelection
    {
        listed = Map.copyOf(listed);
        cluster = Set.copyOf(cluster);
        local = Set.copyOf(local);
    }

    /**
     * The set a new flow chooses from under the given traffic policy (§2 rule 3).
     *
     * @param localPolicy whether the frontend's traffic policy is Local
     * @return the local set under a Local policy, else the cluster set
     */
    public Set<String> setFor(final boolean localPolicy)
    {
        return localPolicy ? local : cluster;
    }
}
