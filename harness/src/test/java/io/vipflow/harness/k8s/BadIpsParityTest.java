package io.vipflow.harness.k8s;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vipflow.packet.Addresses;
import io.vipflow.service.ControlPlane;
import io.vipflow.service.Frontend;
import io.vipflow.service.ServiceSpec;
import io.vipflow.service.Snapshot;
import io.vipflow.testkit.ChurnEvent;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Addresses with leading zeros, after kube-proxy's {@code TestBadIPs} ({@code pkg/proxy/nftables/proxier_test.go}):
 * the ClusterIP {@code 172.30.0.041}, external IP {@code 192.168.099.022}, load-balancer IP {@code 1.2.3.004},
 * endpoint {@code 10.180.00.001} and source range {@code 203.0.113.000/025} are read in decimal and used, as
 * kube-proxy's {@code ParseIPSloppy} and {@code ParseCIDRSloppy} read them (upstream expects rules for
 * {@code 172.30.0.41}, {@code 192.168.99.22}, {@code 1.2.3.4}, {@code 10.180.0.1:80} and {@code 203.0.113.0/25}).
 * The converter normalises them; the library's parser refuses them. A range with surrounding spaces is trimmed, as
 * the API server's validation trims it.
 */
class BadIpsParityTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ChurnEvent convert(final String json) throws Exception
    {
        return KubeObjectConverter.convert(0, ChurnEvent.Type.ADDED, JSON.readTree(json.replace('\'', '"')));
    }

    @Test
    void leadingZerosAreReadInDecimalAndNormalised() throws Exception
    {
        final ServiceSpec service = convert("{'apiVersion': 'v1', 'kind': 'Service', 'metadata': {'namespace': " +
            "'ns1', 'name': 'svc1'}, 'spec': {'type': 'LoadBalancer', 'clusterIP': '172.30.0.041', 'externalIPs': " +
            "['192.168.099.022'], 'loadBalancerSourceRanges': ['203.0.113.000/025', ' 198.51.100.0/24'], 'ports': " +
            "[{'name': 'p80', 'port': 80, 'nodePort': 3001}]}, 'status': {'loadBalancer': {'ingress': " +
            "[{'ip': '1.2.3.004'}]}}}").service();
        assertEquals(List.of("172.30.0.41"), service.clusterIps());
        assertEquals(List.of("192.168.99.22"), service.externalIps());
        assertEquals(List.of("1.2.3.4"), service.loadBalancerIps());
        assertEquals(List.of("203.0.113.0/25", "198.51.100.0/24"), service.loadBalancerSourceRanges());

        final ControlPlane cp = new ControlPlane("node1", List.of("192.168.0.2"), "rr", 0);
        cp.upsertService(service);
        cp.upsertSlice(convert("{'apiVersion': 'discovery.k8s.io/v1', 'kind': 'EndpointSlice', 'addressType': " +
            "'IPv4', 'metadata': {'namespace': 'ns1', 'name': 'svc1-a', 'labels': {'kubernetes.io/service-name': " +
            "'svc1'}}, 'ports': [{'name': 'p80', 'port': 80}], 'endpoints': [{'addresses': ['10.180.00.001']}]}")
            .slice());
        final Snapshot s = cp.publish();
        for (final String vip : List.of("172.30.0.41", "192.168.99.22", "1.2.3.4"))
        {
            final Frontend f = lookup(s, vip);
            assertNotNull(f, vip + " is a frontend");
            assertEquals("10.180.0.1:80", f.target.listed(0).name);
        }
        final Frontend lb = lookup(s, "1.2.3.4");
        assertTrue(admits(lb, "203.0.113.2"), "inside 203.0.113.000/025");
        assertFalse(admits(lb, "203.0.113.130"), "outside 203.0.113.000/025");
        assertTrue(admits(lb, "198.51.100.7"), "inside ' 198.51.100.0/24'");
    }

    @Test
    void theLibraryParserStaysStrictAndOtherMistakesAreStillRefused()
    {
        assertThrows(IllegalArgumentException.class, () -> Addresses.parse("172.30.0.041"));
        for (final String bad : List.of("172.30.0.256", "172.30.0.0256", "172.30.0", "172.30.0.4x"))
        {
            final ObjectRejectedException ex = assertThrows(ObjectRejectedException.class, () -> convert(
                "{'apiVersion': 'v1', 'kind': 'Service', 'metadata': {'namespace': 'ns1', 'name': 'svc1'}, " +
                    "'spec': {'clusterIP': '" + bad + "', 'ports': [{'port': 80}]}}"));
            assertEquals("spec.clusterIP", ex.path(), bad);
        }
    }

    private static Frontend lookup(final Snapshot s, final String ip)
    {
        final long[] a = Addresses.parse(ip);
        return s.frontends.lookup(false, a[0], a[1], 80, 6);
    }

    private static boolean admits(final Frontend f, final String source)
    {
        final long[] a = Addresses.parse(source);
        return f.admits(a[0], a[1]);
    }
}
