package io.vipflow.service;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A publish compiles only the Services changed since the last one, and what it publishes is exactly what a full
 * compile of the same state gives.
 */
class IncrementalPublishTest
{
    private static final List<EndpointPortSpec> PORTS = List.of(new EndpointPortSpec("http", 8080, Protocol.TCP));

    private static ServiceSpec service(final int i, final String clusterIp, final List<String> externalIps)
    {
        return new ServiceSpec("ns", "svc-" + i, ServiceType.CLUSTER_IP, List.of(clusterIp), externalIps, List.of(),
            List.of(), List.of(new ServicePortSpec("http", 80, Protocol.TCP, 0)), 0, false, false, null, null);
    }

    private static EndpointSliceSpec slice(final int service, final int slice, final List<String> ips)
    {
        final List<EndpointSpec> eps = new ArrayList<>();
        for (final String ip : ips)
        {
            eps.add(EndpointSpec.ready(ip, "node-1"));
        }
        return new EndpointSliceSpec("ns", "svc-" + service + "-" + slice, "svc-" + service, false, PORTS, eps);
    }

    @Test
    void aPublishAfterOneSliceChangeCompilesAndVisitsOnlyThatService()
    {
        final ControlPlane cp = new ControlPlane("node-1", List.of(), "maglev", 0);
        for (int i = 0; i < 1000; i++)
        {
            cp.upsertService(service(i, "10.96." + (i / 250) + "." + (i % 250 + 1), List.of()));
            cp.upsertSlice(slice(i, 1, List.of("10.244." + (i / 250) + "." + (i % 250 + 1))));
        }
        final Snapshot first = cp.publish();
        assertEquals(1000, cp.compileCount());
        assertEquals(1000, cp.visitCount());

        cp.upsertSlice(slice(7, 1, List.of("10.245.0.1", "10.245.0.2")));
        final Snapshot second = cp.publish();
        assertEquals(1001, cp.compileCount(), "only the changed Service is compiled");
        assertEquals(1001, cp.visitCount(), "no other Service is looked at");
        for (int i = 0; i < first.servicePorts().size(); i++)
        {
            final ServicePort before = first.servicePorts().get(i);
            final ServicePort after = second.servicePorts().get(i);
            if (before.service.name().equals("svc-7"))
            {
                assertNotSame(before, after);
                assertEquals(2, after.listedCount());
            }
            else
            {
                assertSame(before, after, "an unchanged Service keeps its compiled port");
            }
        }

        cp.upsertSlice(slice(7, 1, List.of("10.245.0.1", "10.245.0.2")));
        cp.publish();
        assertEquals(1001, cp.compileCount(), "an equal slice changes nothing");
        cp.deleteService("ns", "svc-9");
        final Snapshot third = cp.publish();
        assertEquals(1001, cp.compileCount(), "a removed Service is dropped, not compiled");
        assertEquals(1002, cp.visitCount());
        assertEquals(999, third.servicePorts().size());
        assertNull(third.frontends.lookup(false, 0, 0xffff_0000_0000L | 0x0a60000aL, 80, 6));
        assertNotNull(third.frontends.lookup(false, 0, 0xffff_0000_0000L | 0x0a60000bL, 80, 6));
    }

    /**
     * A rollout step of a 1,000-endpoint Service (one endpoint replaced) keeps the 999 other backends as they
     * were and writes only what changed: the frontend (its Service port is new), the backend table and the reply
     * table for the one backend that left and the one that came.
     */
    @Test
    void aRolloutStepWritesOnlyTheReplacedBackend()
    {
        final ControlPlane cp = new ControlPlane("node-1", List.of(), "maglev", 0);
        cp.upsertService(service(1, "10.96.0.1", List.of()));
        final List<List<String>> slices = new ArrayList<>();
        for (int sl = 0; sl < 10; sl++)
        {
            final List<String> ips = new ArrayList<>();
            for (int e = 0; e < 100; e++)
            {
                ips.add("10.244." + sl + "." + (e + 1));
            }
            slices.add(ips);
            cp.upsertSlice(slice(1, sl, ips));
        }
        final ServicePort before = cp.publish().servicePorts().get(0);
        final long writes = cp.tableWriteCount();
        slices.get(3).set(42, "10.245.0.1");
        cp.upsertSlice(slice(1, 3, slices.get(3)));
        final Snapshot after = cp.publish();
        final ServicePort port = after.servicePorts().get(0);
        assertEquals(1 + 2 + 1 + 2, cp.tableWriteCount() - writes,
            "frontend, two backend entries, the departed backend (kept while entries may name it), two reply entries");
        assertEquals(1000, cp.backendIdCount(), "the replaced backend's id is released");
        int kept = 0;
        for (int i = 0; i < port.listedCount(); i++)
        {
            final Backend b = port.listed(i);
            if (before.backend(b.id) != null)
            {
                assertSame(before.backend(b.id), b, "an unchanged backend is the same object");
                kept++;
            }
            assertSame(b, after.backend(b.id));
            final Frontend[] replies = after.replyCandidates(false, b.addrHi, b.addrLo, b.port, 6);
            assertEquals(1, replies.length);
            assertSame(port, replies[0].target, "the reply candidate resolves to the current port");
        }
        assertEquals(999, kept);
        Backend gone = null;
        for (int i = 0; i < before.listedCount(); i++)
        {
            gone = before.listed(i).name.equals("10.244.3.43:8080") ? before.listed(i) : gone;
        }
        assertNotNull(gone);
        assertNull(after.backend(gone.id));
        assertNull(after.replyCandidates(false, gone.addrHi, gone.addrLo, gone.port, 6));
    }

    @Test
    void maglevTablesFollowTheServiceSizeUnlessASizeIsForced()
    {
        final List<String> three = List.of("10.244.0.1", "10.244.0.2", "10.244.0.3");
        final ControlPlane auto = new ControlPlane("node-1", List.of(), "maglev", 0);
        auto.upsertService(service(1, "10.96.0.1", List.of()));
        auto.upsertSlice(slice(1, 1, three));
        auto.upsertService(service(2, "10.96.0.2", List.of()).withScheduler("maglev", "table-size=1021"));
        auto.upsertSlice(slice(2, 1, three));
        final List<ServicePort> ports = auto.publish().servicePorts();
        assertEquals(509, maglevSize(ports.get(0)), "3 backends: the smallest listed prime >= 300");
        assertEquals(1021, maglevSize(ports.get(1)), "the Service's own flag");

        final ControlPlane forced = new ControlPlane("node-1", List.of(), "maglev", "table-size=65537", 0, null);
        forced.upsertService(service(1, "10.96.0.1", List.of()));
        forced.upsertSlice(slice(1, 1, three));
        assertEquals(65537, maglevSize(forced.publish().servicePorts().get(0)), "the global default flags");
    }

    private static int maglevSize(final ServicePort sp)
    {
        return ((io.vipflow.sched.MaglevScheduler)sp.clusterSet.scheduler()).size();
    }

    /**
     * Snapshots share table segments with their successors: a reader holding one while the writer publishes others
     * must still find in it exactly the Service ports it was made with (no later write leaks into it).
     */
    @Test
    void aHeldSnapshotStaysConsistentWhileLaterOnesArePublished() throws Exception
    {
        final int services = 200;
        final ControlPlane cp = new ControlPlane("node-1", List.of(), "maglev", 0);
        for (int i = 0; i < services; i++)
        {
            cp.upsertService(service(i, "10.96." + (i / 250) + "." + (i % 250 + 1), List.of()));
            cp.upsertSlice(slice(i, 1, List.of("10.244.0.1")));
        }
        cp.publish();
        final java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        final java.util.concurrent.atomic.AtomicReference<String> failure =
            new java.util.concurrent.atomic.AtomicReference<>();
        final java.util.concurrent.atomic.AtomicLong checked = new java.util.concurrent.atomic.AtomicLong();
        final Thread reader = new Thread(() ->
        {
            while (!stop.get() && failure.get() == null)
            {
                final Snapshot s = cp.current();
                final List<ServicePort> ports = s.servicePorts();
                if (ports.size() != services)
                {
                    failure.set("generation " + s.generation + ": " + ports.size() + " ports");
                    return;
                }
                for (final ServicePort port : ports)
                {
                    final long[] vip = io.vipflow.packet.Addresses.parse(port.service.clusterIps().get(0));
                    final Frontend f = s.frontends.lookup(false, vip[0], vip[1], 80, 6);
                    if (f == null || f.target != port)
                    {
                        failure.set("generation " + s.generation + ": the frontend of " + port + " is not its port");
                        return;
                    }
                    for (int b = 0; b < f.target.listedCount(); b++)
                    {
                        final Backend backend = f.target.listed(b);
                        final Frontend[] replies =
                            s.replyCandidates(false, backend.addrHi, backend.addrLo, backend.port, 6);
                        if (s.backend(backend.id) != backend || replies == null || !List.of(replies).contains(f))
                        {
                            failure.set("generation " + s.generation + ": backend " + backend + " of " + port +
                                " is not in the same snapshot's tables");
                            return;
                        }
                    }
                }
                checked.incrementAndGet();
            }
        });
        reader.start();
        final Random r = new Random(3);
        for (int round = 0; round < 3000 && failure.get() == null; round++)
        {
            final List<String> ips = new ArrayList<>();
            for (int e = 1 + r.nextInt(5); e > 0; e--)
            {
                ips.add("10.244." + r.nextInt(4) + "." + (1 + r.nextInt(200)));
            }
            cp.upsertSlice(slice(r.nextInt(services), 1, new ArrayList<>(new TreeSet<>(ips))));
            cp.publish();
        }
        stop.set(true);
        reader.join();
        assertNull(failure.get(), failure.get());
        assertTrue(checked.get() > 0);
    }

    /** Random changes published in random batches end in the snapshot a fresh control plane makes of the result. */
    @Test
    void incrementalSnapshotsEqualAFullCompile()
    {
        for (int seed = 0; seed < 20; seed++)
        {
            final Random r = new Random(seed);
            final ControlPlane cp = new ControlPlane("node-1", List.of(), "rr", 0);
            for (int step = 0; step < 400; step++)
            {
                final int s = r.nextInt(30);
                switch (r.nextInt(6))
                {
                    case 0 -> cp.deleteService("ns", "svc-" + s);
                    case 1 -> cp.deleteSlice("ns", "svc-" + s + "-" + r.nextInt(2));
                    case 2, 3 -> cp.upsertService(service(s, "10.96.0." + r.nextInt(20),
                        r.nextInt(4) == 0 ? List.of("10.96.0." + r.nextInt(20)) : List.of()));
                    default ->
                    {
                        final List<String> ips = new ArrayList<>();
                        for (int e = r.nextInt(4); e > 0; e--)
                        {
                            ips.add("10.244.0." + r.nextInt(12));
                        }
                        cp.upsertSlice(slice(s, r.nextInt(2), new ArrayList<>(new TreeSet<>(ips))));
                    }
                }
                if (r.nextInt(5) == 0)
                {
                    cp.publish();
                    assertSameAsFullCompile(cp, "seed " + seed + " step " + step);
                }
            }
        }
    }

    private static void assertSameAsFullCompile(final ControlPlane cp, final String where)
    {
        final ControlPlane full = new ControlPlane("node-1", List.of(), "rr", 0);
        cp.services().values().forEach(full::upsertService);
        cp.slices().values().forEach(full::upsertSlice);
        final Snapshot expected = full.publish();
        final Snapshot actual = cp.current();
        assertEquals(describePorts(expected), describePorts(actual), where);
        assertEquals(expected.conflicts(), actual.conflicts(), where);
        assertEquals(expected.frontends.size(), actual.frontends.size(), where);
        for (final Frontend f : expected.frontends.all())
        {
            final Frontend got = actual.frontends.lookup(f.ipv6, f.addrHi, f.addrLo, f.port, f.protocol);
            assertNotNull(got, where + ": " + f);
            assertEquals(f.toString(), got.toString(), where);
            for (int i = 0; i < got.target.listedCount(); i++)
            {
                final Backend b = got.target.listed(i);
                assertSame(b, actual.backend(b.id), where);
                assertEquals(replies(expected, b), replies(actual, b), where + ": replies of " + b);
            }
        }
    }

    private static List<String> describePorts(final Snapshot s)
    {
        final List<String> out = new ArrayList<>();
        for (final ServicePort sp : s.servicePorts())
        {
            final StringBuilder b = new StringBuilder(sp.toString());
            for (int i = 0; i < sp.listedCount(); i++)
            {
                b.append(' ').append(sp.listed(i).name);
            }
            out.add(b.toString());
        }
        return out;
    }

    private static TreeSet<String> replies(final Snapshot s, final Backend b)
    {
        final TreeSet<String> out = new TreeSet<>();
        final Frontend[] fs = s.replyCandidates(b.ipv6, b.addrHi, b.addrLo, b.port, 6);
        if (fs != null)
        {
            for (final Frontend f : fs)
            {
                out.add(f.toString());
            }
        }
        return out;
    }
}
