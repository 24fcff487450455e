package io.vipflow.harness.live;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import java.util.Map;

/**
 * Follows this node's {@code topology.kubernetes.io/zone} label, as kube-proxy follows its Node's topology labels
 * ({@code NodeTopologyConfig}): read once before the first publish, then watched, each change going to the
 * {@link LiveControlPlane} as a change of its own.
 * <p>
 * Thread contract: {@link #read} and {@link #follow} from the owning thread; the informer calls back on its own
 * thread and only queues.
 */
final class NodeZoneWatch implements AutoCloseable
{
    static final String ZONE_LABEL = "topology.kubernetes.io/zone";

    private final SharedIndexInformer<Node> informer;

    private NodeZoneWatch(final SharedIndexInformer<Node> informer)
    {
        this.informer = informer;
    }

    /**
     * @return the node's zone label, "" when the node has none
     * @throws KubernetesClientException when the Node cannot be read (absent, or no permission)
     */
    static String read(final KubernetesClient client, final String nodeName)
    {
        final Node node = client.nodes().withName(nodeName).get();
        if (node == null)
        {
            throw new KubernetesClientException("Node " + nodeName + " not found");
        }
        return zoneOf(node);
    }

    /** Watches the Node and hands every change of its zone label to {@code target}. */
    static NodeZoneWatch follow(final KubernetesClient client, final String nodeName, final LiveControlPlane target)
    {
        return new NodeZoneWatch(client.nodes().withName(nodeName).inform(new ResourceEventHandler<>()
        {
            @Override
            public void onAdd(final Node node)
            {
                target.nodeZone(zoneOf(node), System.nanoTime());
            }

            @Override
            public void onUpdate(final Node previous, final Node node)
            {
                target.nodeZone(zoneOf(node), System.nanoTime());
            }

            @Override
            public void onDelete(final Node node, final boolean finalStateUnknown)
            {
                // The node's own Node object going away does not change where this balancer runs.
            }
        }));
    }

    private static String zoneOf(final Node node)
    {
        final Map<String, String> labels = node.getMetadata() == null ? null : node.getMetadata().getLabels();
        final String zone = labels == null ? null : labels.get(ZONE_LABEL);
        return zone == null ? "" : zone;
    }

    @Override
    public void close()
    {
        informer.close();
    }
}
