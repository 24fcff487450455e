package io.vipflow.service;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ControlPlaneTest
{
    private static final int PROTO_TCP = 6;

    private static ServiceSpec svc(final String name, final String ip)
    {
        return ServiceSpec.clusterIp("default", name, ip, new ServicePortSpec("http", 80, Protocol.TCP, 0));
    }

    private static EndpointSliceSpec slice(final String service, final String... ips)
    {
        final List<EndpointSpec> eps = new java.util.ArrayList<>();
        for (final String ip : ips)
        {
            eps.add(EndpointSpec.ready(ip, "n"));
        }
        return new EndpointSliceSpec("default", service + "-1", service, false,
            List.of(new EndpointPortSpec("http", 8080, Protocol.TCP)), eps);
    }

    private static Frontend lookup(final Snapshot s, final int a, final int b, final int c, final int d)
    {
        final long lo = 0x0000_ffff_0000_0000L | ((long)a << 24) | (b << 16) | (c << 8) | d;
        return s.frontends.lookup(false, 0, lo, 80, PROTO_TCP);
    }

    @Test
    void changesAreInvisibleUntilPublished()
    {
        final ControlPlane cp = new ControlPlane("n", List.of(), "rr", 0);
        cp.upsertService(svc("a", "10.96.0.1"));
        assertNull(lookup(cp.current(), 10, 96, 0, 1));
        final Snapshot s = cp.publish();
        assertSame(s, cp.current());
        assertNotNull(lookup(cp.current(), 10, 96, 0, 1));
        cp.deleteService("default", "a");
        assertNotNull(lookup(cp.current(), 10, 96, 0, 1));
        cp.publish();
        assertNull(lookup(cp.current(), 10, 96, 0, 1));
    }

    @Test
    void invalidInputIsRejectedAndTheHeldStateStays()
    {
        final ControlPlane cp = new ControlPlane("n", List.of(), "rr", 0);
        cp.upsertService(svc("a", "10.96.0.1"));
        cp.upsertSlice(slice("a", "10.244.0.1"));
        cp.publish();
        assertThrows(IllegalArgumentException.class, () -> cp.upsertService(svc("a", "10.96.0.300")));
        assertThrows(IllegalArgumentException.class, () -> cp.upsertService(svc("a", "10.96.0.2").withScheduler("x")));
        assertThrows(IllegalArgumentException.class, () -> cp.upsertSlice(slice("a", "fd00::1")));
        final Snapshot s = cp.publish();
        final ServicePort sp = lookup(s, 10, 96, 0, 1).target;
        assertEquals(1, sp.listedCount());
        assertEquals("10.244.0.1:8080", sp.listed(0).name);
    }

    @Test
    void backendIdsAreStableWhileListedAndNeverReused()
    {
        final ControlPlane cp = new ControlPlane("n", List.of(), "rr", 0);
        cp.upsertService(svc("a", "10.96.0.1"));
        cp.upsertSlice(slice("a", "10.244.0.1", "10.244.0.2"));
        final ServicePort first = lookup(cp.publish(), 10, 96, 0, 1).target;
        final int id1 = first.listed(0).id;
        final int id2 = first.listed(1).id;
        cp.upsertSlice(slice("a", "10.244.0.1", "10.244.0.3"));
        final ServicePort second = lookup(cp.publish(), 10, 96, 0, 1).target;
        assertEquals(id1, second.listed(0).id, "still listed: same id");
        assertNull(second.backend(id2), "removed: gone");
        assertTrue(second.listed(1).id > id2, "a new endpoint gets a fresh id");
        cp.upsertSlice(slice("a", "10.244.0.1", "10.244.0.2"));
        final ServicePort third = lookup(cp.publish(), 10, 96, 0, 1).target;
        assertTrue(third.listed(1).id != id2, "re-added after removal: a new id, so old flows stay broken");
    }

    @Test
    void unchangedServicesKeepTheirCompiledPorts()
    {
        final ControlPlane cp = new ControlPlane("n", List.of(), "maglev", 0);
        cp.upsertService(svc("a", "10.96.0.1"));
        cp.upsertService(svc("b", "10.96.0.2"));
        cp.upsertSlice(slice("a", "10.244.0.1"));
        final Snapshot s1 = cp.publish();
        cp.upsertSlice(slice("b", "10.244.0.9"));
        final Snapshot s2 = cp.publish();
        assertSame(lookup(s1, 10, 96, 0, 1).target, lookup(s2, 10, 96, 0, 1).target);
    }

    @Test
    void aFrontendClaimedTwiceGoesToTheFirstServiceByKey()
    {
        final ControlPlane cp = new ControlPlane("n", List.of(), "rr", 0);
        cp.upsertService(svc("b", "10.96.0.1"));
        cp.upsertService(svc("a", "10.96.0.1"));
        final Snapshot s = cp.publish();
        assertEquals("default/a:http", lookup(s, 10, 96, 0, 1).target.label);
        assertEquals(1, s.conflicts().size());
    }

    /**
     * The writer flips between two states that differ in two Services at once; readers must always see both
     * or neither, never one: the snapshot is published whole.
     */
    @Test
    void readersNeverSeeHalfAnUpdate() throws Exception
    {
        final ControlPlane cp = new ControlPlane("n", List.of(), "rr", 0);
        cp.publish();
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicReference<String> failure = new AtomicReference<>();
        final Thread[] readers = new Thread[2];
        for (int r = 0; r < readers.length; r++)
        {
            readers[r] = new Thread(() ->
            {
                long reads = 0;
                while (!stop.get() || reads < 1000)
                {
                    final Snapshot s = cp.current();
                    final boolean a = lookup(s, 10, 96, 0, 1) != null;
                    final boolean b = lookup(s, 10, 96, 0, 2) != null;
                    if (a != b)
                    {
                        failure.compareAndSet(null, "generation " + s.generation + ": a=" + a + " b=" + b);
                    }
                    reads++;
                }
            });
            readers[r].start();
        }
        for (int i = 0; i < 2000; i++)
        {
            if (i % 2 == 0)
            {
                cp.upsertService(svc("a", "10.96.0.1"));
                cp.upsertService(svc("b", "10.96.0.2"));
            }
            else
            {
                cp.deleteService("default", "a");
                cp.deleteService("default", "b");
            }
            cp.publish();
        }
        stop.set(true);
        for (final Thread t : readers)
        {
            t.join();
        }
        assertNull(failure.get());
        assertEquals(2001, cp.current().generation);
    }
}
