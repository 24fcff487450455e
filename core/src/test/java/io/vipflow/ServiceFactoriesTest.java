package io.vipflow;

import io.vipflow.service.Protocol;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;
import io.vipflow.service.ServiceType;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import static io.vipflow.TestCluster.ready;
import static io.vipflow.TestCluster.slice;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The Service factories and builder give the same Service as the record's full constructor and behave as such in
 * the classifier; backends expose their address as a socket address and as bytes.
 */
class ServiceFactoriesTest
{
    private static final int SYN = 0x02;
    private static final String VIP = "10.96.0.10";
    private static final String NODE_IP = "192.168.0.10";
    private static final ServicePortSpec HTTP = new ServicePortSpec("http", 80, Protocol.TCP, 30080);

    private final TestCluster c = new TestCluster();

    private void publish(final ServiceSpec spec, final String endpoint)
    {
        c.controlPlane.upsertService(spec);
        c.controlPlane.upsertSlice(slice(spec.namespace(), spec.name(), spec.name() + "-1", 8080, Protocol.TCP,
            "http", ready(endpoint, "node-a")));
        c.controlPlane.publish();
    }

    @Test
    void nodePortIsReachableAtTheClusterIpAndAtTheNodePort()
    {
        final ServiceSpec spec = ServiceSpec.nodePort("default", "web", VIP, HTTP);
        assertEquals(new ServiceSpec("default", "web", ServiceType.NODE_PORT, List.of(VIP), List.of(), List.of(),
            List.of(), List.of(HTTP), 0, false, false, null), spec);
        publish(spec, "10.244.0.1");
        assertEquals(Verdict.DNAT, c.tcp("10.1.1.1", 1000, VIP, 80, SYN, 0).verdict());
        assertEquals(Verdict.DNAT, c.tcp("10.1.1.1", 1001, NODE_IP, 30080, SYN, 0).verdict());
        assertEquals(Verdict.PASS, c.tcp("10.1.1.1", 1002, NODE_IP, 80, SYN, 0).verdict());
    }

    @Test
    void loadBalancerIsReachableAtItsIngressAddress()
    {
        final ServiceSpec spec = ServiceSpec.loadBalancer("default", "web", VIP, List.of("198.51.100.7"), HTTP);
        assertEquals(ServiceType.LOAD_BALANCER, spec.type());
        publish(spec, "10.244.0.1");
        assertEquals(Verdict.DNAT, c.tcp("10.1.1.1", 1000, "198.51.100.7", 80, SYN, 0).verdict());
        assertEquals(Verdict.DNAT, c.tcp("10.1.1.1", 1001, NODE_IP, 30080, SYN, 0).verdict());
    }

    @Test
    void externalNameHasNoFrontend()
    {
        final ServiceSpec spec = ServiceSpec.externalName("default", "db");
        assertEquals(new ServiceSpec("default", "db", ServiceType.EXTERNAL_NAME, List.of(), List.of(), List.of(),
            List.of(), List.of(), 0, false, false, null), spec);
        c.controlPlane.upsertService(spec);
        c.controlPlane.publish();
        assertEquals(List.of(), c.controlPlane.current().servicePorts(), "no port, no frontend");
    }

    @Test
    void builderSetsEveryOptionalField()
    {
        final ServiceSpec built = ServiceSpec.builder("shop", "web").type(ServiceType.LOAD_BALANCER)
            .clusterIps(VIP, "fd00:96::10").externalIps(List.of("203.0.113.5")).loadBalancerIps(List.of("198.51.100.7"))
            .loadBalancerSourceRanges(List.of("10.1.0.0/16")).ports(HTTP).clientIpAffinity(600)
            .externalTrafficLocal(true).internalTrafficLocal(true).scheduler("sh", "sh-port").build();
        assertEquals(new ServiceSpec("shop", "web", ServiceType.LOAD_BALANCER, List.of(VIP, "fd00:96::10"),
            List.of("203.0.113.5"), List.of("198.51.100.7"), List.of("10.1.0.0/16"), List.of(HTTP), 600, true, true,
            "sh", "sh-port"), built);
        assertEquals(built, built.toBuilder().build());
        assertEquals(built.withTrafficPolicies(false, true), built.toBuilder().externalTrafficLocal(false).build());
        assertThrows(IllegalArgumentException.class,
            () -> ServiceSpec.builder("shop", "web").clientIpAffinity(ServiceSpec.MAX_AFFINITY_TIMEOUT_SECONDS + 1)
                .build());
    }

    @Test
    void builtSourceRangesAdmitOnlyTheirSources()
    {
        publish(ServiceSpec.builder("default", "web").type(ServiceType.LOAD_BALANCER).clusterIps(VIP)
            .loadBalancerIps(List.of("198.51.100.7")).loadBalancerSourceRanges(List.of("10.1.0.0/16")).ports(HTTP)
            .build(), "10.244.0.1");
        assertEquals(Verdict.DNAT, c.tcp("10.1.2.3", 1000, "198.51.100.7", 80, SYN, 0).verdict());
        assertEquals(Verdict.DROP, c.tcp("10.2.2.3", 1000, "198.51.100.7", 80, SYN, 0).verdict());
        assertEquals(Reason.SOURCE_RANGE, c.d.reason());
    }

    @Test
    void backendAddressesReadAsSocketAddressAndBytes() throws Exception
    {
        publish(ServiceSpec.clusterIp("default", "web", VIP, HTTP), "10.244.0.1");
        c.tcp("10.1.1.1", 1000, VIP, 80, SYN, 0);
        final InetSocketAddress v4 = c.d.backend().socketAddress();
        assertEquals(new InetSocketAddress(InetAddress.getByName("10.244.0.1"), 8080), v4);
        assertInstanceOf(Inet4Address.class, v4.getAddress());
        assertArrayEquals(new byte[] {10, (byte)244, 0, 1}, c.d.backend().addressBytes());

        publish(ServiceSpec.clusterIp("default", "web6", "fd00:96::20", HTTP), "fd00:244::1:2");
        c.tcp("fd00:1::1", 1000, "fd00:96::20", 80, SYN, 0);
        final InetSocketAddress v6 = c.d.backend().socketAddress();
        assertInstanceOf(Inet6Address.class, v6.getAddress());
        assertEquals(8080, v6.getPort());
        assertArrayEquals(InetAddress.getByName("fd00:244::1:2").getAddress(), c.d.backend().addressBytes());
        c.d.backend().addressBytes()[0] = 0;
        assertEquals((byte)0xfd, c.d.backend().addressBytes()[0], "each call returns a copy");
    }
}
