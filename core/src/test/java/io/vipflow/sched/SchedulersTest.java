package io.vipflow.sched;

import io.vipflow.packet.PacketTuple;
import io.vipflow.service.ControlPlane;
import io.vipflow.service.EndpointPortSpec;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.EndpointSpec;
import io.vipflow.service.Protocol;
import io.vipflow.service.ServicePort;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SchedulersTest
{
    private static final PacketTuple P = new PacketTuple();

    @Test
    void everySchedulerSkipsQuiescedAndReturnsNoneWhenAllAreQuiesced()
    {
        final List<Destination> d = new ArrayList<>(Dests.of("10.0.0.1:80", "10.0.0.2:80", "10.0.0.3:80"));
        d.set(1, new Destination("10.0.0.2:80", 0, new ConnCounters()));
        for (final String name : Schedulers.NAMES)
        {
            final Scheduler s = Schedulers.factory(name, fallbackFlags(name), 1).create(d, null);
            assertEquals(name, s.name());
            for (int i = 0; i < 300; i++)
            {
                final PacketTuple p = new PacketTuple().setIpv4(PacketTuple.PROTO_TCP, Dests.ip(10, 1, i >> 8, i),
                    1000 + i, Dests.ip(10, 96, 0, i & 3), 80, PacketTuple.TCP_SYN);
                final int pick = s.pick(p, i * 0x9E3779B97F4A7C15L);
                assertTrue(pick == 0 || pick == 2, name + " picked " + pick);
            }
            final List<Destination> none = List.of(new Destination("x", 0, new ConnCounters()));
            assertEquals(-1, Schedulers.factory(name, 1).create(none, null).pick(P, 5), name);
            assertEquals(-1, Schedulers.factory(name, 1).create(List.of(), null).pick(P, 5), name);
        }
    }

    private static String fallbackFlags(final String name)
    {
        return name.equals("sh") || name.equals("dh") || name.equals("mh") ? name + "-fallback" : null;
    }

    @Test
    void randomIsSeededAndCoversEveryBackend()
    {
        final List<Destination> d = Dests.of("a", "b", "c", "d");
        final Scheduler a = Schedulers.factory("random", 42).create(d, null);
        final Scheduler b = Schedulers.factory("random", 42).create(d, null);
        final int[] counts = new int[4];
        for (int i = 0; i < 4000; i++)
        {
            final int pick = a.pick(P, 0);
            assertEquals(pick, b.pick(P, 0));
            counts[pick]++;
        }
        for (final int c : counts)
        {
            assertTrue(c > 800 && c < 1200, "uneven random picks: " + c);
        }
    }

    @Test
    void leastRequestPrefersTheLessLoaded()
    {
        final List<Destination> d = Dests.counted(Dests.of("a", "b"), new long[] {0, 0}, new long[] {5, 5});
        final Scheduler s = Schedulers.factory("least-request", 3).create(d, null);
        int b = 0;
        for (int i = 0; i < 4000; i++)
        {
            b += s.pick(P, 0);
        }
        // b only when both uniform draws are b: a quarter of the picks.
        assertTrue(b > 850 && b < 1150, "b picked " + b);
    }

    @Test
    void unknownNamesAndFlagsAreRejectedWithTheChoices()
    {
        final IllegalArgumentException name =
            assertThrows(IllegalArgumentException.class, () -> Schedulers.factory("lottery", 0));
        assertTrue(name.getMessage().contains("maglev") && name.getMessage().contains("lblcr"), name.getMessage());
        final IllegalArgumentException flag =
            assertThrows(IllegalArgumentException.class, () -> Schedulers.factory("sh", "mh-port", 0));
        assertTrue(flag.getMessage().contains("sh-fallback, sh-port"), flag.getMessage());
        final IllegalArgumentException none =
            assertThrows(IllegalArgumentException.class, () -> Schedulers.factory("rr", "sh-port", 0));
        assertTrue(none.getMessage().contains("takes no flags"), none.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Schedulers.factory("maglev", "table-size=65536", 0));
        assertThrows(IllegalArgumentException.class, () -> Schedulers.factory("maglev", "table-size", 0));
        assertThrows(IllegalArgumentException.class, () -> Schedulers.factory("mh", "table-size=65537", 0));
        assertThrows(IllegalArgumentException.class, () -> Schedulers.factory("ring-hash", "ring-size=x", 0));
        assertThrows(IllegalArgumentException.class, () -> Schedulers.factory("least-request", "choices=1", 0));
    }

    @Test
    void flagsAreParsedLikeIpvsadm()
    {
        Schedulers.factory("sh", " sh-fallback , sh-port ,", 0);
        Schedulers.factory("mh", "mh-fallback,mh-port,table-size=131071", 0);
        final Scheduler m = Schedulers.factory("maglev", "table-size=16381", 0).create(Dests.of("a", "b"), null);
        assertEquals(16381, ((MaglevScheduler)m).size());
        final Scheduler r = Schedulers.factory("ring-hash", "ring-size=4096", 0).create(Dests.of("a", "b"), null);
        assertEquals(4096, ((RingHashScheduler)r).pointCount());
    }

    /** Selection per Service through the API: the Service's scheduler and flags, else the control plane's. */
    @Test
    void controlPlaneBuildsTheServicesScheduler()
    {
        final ControlPlane cp = new ControlPlane("n", List.of(), "maglev", 1);
        final ServicePortSpec http = new ServicePortSpec("http", 80, Protocol.TCP, 0);
        cp.upsertService(ServiceSpec.clusterIp("ns", "a", "10.96.0.1", http)
            .withScheduler("mh", "mh-fallback,table-size=251"));
        cp.upsertService(ServiceSpec.clusterIp("ns", "b", "10.96.0.2", http));
        for (final String svc : List.of("a", "b"))
        {
            cp.upsertSlice(new EndpointSliceSpec("ns", svc + "-1", svc, false,
                List.of(new EndpointPortSpec("http", 8080, Protocol.TCP)),
                List.of(EndpointSpec.ready("10.244.0.1", "n"), EndpointSpec.ready("10.244.0.2", "n"))));
        }
        final List<String> names = new ArrayList<>();
        for (final ServicePort sp : cp.publish().servicePorts())
        {
            final Scheduler s = sp.clusterSet.scheduler();
            names.add(s.name() + (s instanceof IpvsMaglevScheduler ? "/" + ((IpvsMaglevScheduler)s).size() : ""));
        }
        assertEquals(List.of("mh/251", "maglev"), names);
        assertThrows(IllegalArgumentException.class, () -> cp.upsertService(
            ServiceSpec.clusterIp("ns", "c", "10.96.0.3", http).withScheduler("sh", "sh-bogus")));
        assertThrows(IllegalArgumentException.class, () -> cp.upsertService(
            ServiceSpec.clusterIp("ns", "c", "10.96.0.3", http).withScheduler(null, "sh-port")));
    }
    /** The table a Service port holds beyond its backends: what a caller sums to refuse a cluster up front. */
    @Test
    void tableBytesFollowTheFlagsAndTheBackendCount()
    {
        assertEquals(2L * MaglevTable.sizeFor(10, 0), Schedulers.tableBytes("maglev", null, 10));
        assertEquals(2L * 251, Schedulers.tableBytes("maglev", null, 0), "the floor for a Service with no endpoints");
        assertEquals(2L * 655_373, Schedulers.tableBytes("maglev", "table-size=655373", 3));
        assertEquals(4L * IpvsMaglevScheduler.DEFAULT_SIZE, Schedulers.tableBytes("mh", "mh-port", 3));
        assertEquals(4L * 65_521, Schedulers.tableBytes("mh", "table-size=65521", 3));
        assertEquals(8L * 1024, Schedulers.tableBytes("ring-hash", null, 3));
        assertEquals(8L * 5000, Schedulers.tableBytes("ring-hash", "ring-size=16", 5000));
        assertEquals(0, Schedulers.tableBytes("rr", null, 1000));
        assertThrows(IllegalArgumentException.class, () -> Schedulers.tableBytes("maglev", "table-size=x", 1));
        assertThrows(IllegalArgumentException.class, () -> Schedulers.tableBytes("nope", null, 1));
    }
}
