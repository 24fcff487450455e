package io.vipflow.bench;

import io.vipflow.service.ControlPlane;
import io.vipflow.service.EndpointPortSpec;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.EndpointSpec;
import io.vipflow.service.Protocol;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;

import java.util.ArrayList;
import java.util.List;

/** A published control plane with one TCP and one UDP Service of {@code backends} endpoints each. */
final class BenchCluster
{
    static final int TCP_VIP = 0x0a600050; // 10.96.0.80:80
    static final int UDP_VIP = 0x0a60000a; // 10.96.0.10:53

    private BenchCluster()
    {
    }

    static ControlPlane build(final String scheduler, final int backends)
    {
        final ControlPlane cp = new ControlPlane("node-1", List.of("192.168.1.11"), scheduler, 7);
        cp.upsertService(ServiceSpec.clusterIp("bench", "web", "10.96.0.80",
            new ServicePortSpec("http", 80, Protocol.TCP, 0)));
        cp.upsertService(ServiceSpec.clusterIp("bench", "dns", "10.96.0.10",
            new ServicePortSpec("dns", 53, Protocol.UDP, 0)));
        final List<EndpointSpec> eps = new ArrayList<>();
        for (int i = 0; i < backends; i++)
        {
            eps.add(EndpointSpec.ready("10.244." + (i / 250) + "." + (i % 250 + 1), "node-" + (i % 8)));
        }
        cp.upsertSlice(new EndpointSliceSpec("bench", "web-1", "web", false,
            List.of(new EndpointPortSpec("http", 8080, Protocol.TCP)), eps));
        cp.upsertSlice(new EndpointSliceSpec("bench", "dns-1", "dns", false,
            List.of(new EndpointPortSpec("dns", 53, Protocol.UDP)), eps));
        cp.publish();
        return cp;
    }
}
