package io.vipflow.restart;

import io.vipflow.ClassifierConfig;
import io.vipflow.MidFlowPolicy;
import io.vipflow.service.ControlPlane;
import io.vipflow.service.EndpointPortSpec;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.EndpointSpec;
import io.vipflow.service.Protocol;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The cluster both processes of a restart test build: one TCP Service of eight endpoints, Maglev. */
final class RestartCluster
{
    static final int VIP = 0x0a60000a; // 10.96.0.10:80
    static final int CAPACITY = 100_000;

    private RestartCluster()
    {
    }

    /**
     * A published control plane with backend ids kept in {@code idFile}. {@code reversed} lists the endpoints in
     * the other order, as a restarted process may receive them: the ids must still come from the file.
     */
    static ControlPlane controlPlane(final Path idFile, final boolean reversed)
    {
        final ControlPlane cp = new ControlPlane("node-1", List.of("192.168.1.11"), "maglev", 7, idFile);
        cp.upsertService(ServiceSpec.clusterIp("shop", "web", "10.96.0.10",
            new ServicePortSpec("http", 80, Protocol.TCP, 0)));
        final List<EndpointSpec> eps = new ArrayList<>();
        for (int i = 1; i <= 8; i++)
        {
            eps.add(EndpointSpec.ready("10.244.0." + i, "node-" + i));
        }
        if (reversed)
        {
            Collections.reverse(eps);
        }
        cp.upsertSlice(new EndpointSliceSpec("shop", "web-1", "web", false,
            List.of(new EndpointPortSpec("http", 8080, Protocol.TCP)), eps));
        cp.publish();
        return cp;
    }

    /** Mid-flow packets without an entry are dropped, so an ACK that finds no persisted entry cannot pass. */
    static ClassifierConfig config()
    {
        return ClassifierConfig.defaults().withAffinityCapacity(16).withMidFlowPolicy(MidFlowPolicy.DROP);
    }

    static int client(final int flow)
    {
        return 0x0b000000 + flow;
    }

    static int clientPort(final int flow)
    {
        return 1024 + flow % 60_000;
    }

    static long epochNanos()
    {
        return System.currentTimeMillis() * 1_000_000L;
    }
}
