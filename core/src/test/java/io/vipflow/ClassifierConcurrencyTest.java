package io.vipflow;

import io.vipflow.packet.PacketTuple;
import io.vipflow.service.Protocol;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * docs/SEMANTICS.md §3: two packets of the same new flow racing on two threads get the same backend. With the
 * random scheduler every thread would pick differently if get-or-create were not atomic.
 */
class ClassifierConcurrencyTest
{
    private static final int THREADS = 4;
    private static final int FLOWS = 5_000;

    @Test
    void racingFirstPacketsOfOneFlowGetOneBackend() throws Exception
    {
        final TestCluster c = new TestCluster("random", ClassifierConfig.defaults().withConnectionCapacity(FLOWS * 8)
            .withAffinityCapacity(16));
        c.controlPlane.upsertService(ServiceSpec.clusterIp("default", "web", "10.96.0.10",
            new ServicePortSpec("http", 80, Protocol.TCP, 0)));
        final io.vipflow.service.EndpointSpec[] eps = new io.vipflow.service.EndpointSpec[16];
        for (int i = 0; i < eps.length; i++)
        {
            eps[i] = TestCluster.ready("10.244.0." + (i + 1), "n");
        }
        c.controlPlane.upsertSlice(TestCluster.slice("default", "web", "web-1", 8080, Protocol.TCP, "http", eps));
        c.controlPlane.publish();
        final int[][] chosen = new int[THREADS][FLOWS];
        final AtomicInteger newFlows = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final CyclicBarrier barrier = new CyclicBarrier(THREADS);
        final Thread[] threads = new Thread[THREADS];
        for (int t = 0; t < THREADS; t++)
        {
            final int id = t;
            threads[t] = new Thread(() ->
            {
                try
                {
                    final Decision d = new Decision();
                    final PacketTuple p = new PacketTuple();
                    barrier.await();
                    for (int f = 0; f < FLOWS; f++)
                    {
                        p.setIpv4(PacketTuple.PROTO_TCP, 0x0a010000 | f, 40000, 0x0a60000a, 80, PacketTuple.TCP_SYN);
                        c.classifier.classify(p, 0, d);
                        if (d.verdict() != Verdict.DNAT)
                        {
                            throw new AssertionError("flow " + f + ": " + d);
                        }
                        if (d.newFlow())
                        {
                            newFlows.incrementAndGet();
                        }
                        chosen[id][f] = d.backend().id;
                    }
                }
                catch (final Throwable ex)
                {
                    failure.compareAndSet(null, ex);
                }
            });
            threads[t].start();
        }
        for (final Thread t : threads)
        {
            t.join();
        }
        c.classifier.close();
        assertNull(failure.get());
        assertEquals(FLOWS, newFlows.get(), "exactly one NEW per flow");
        for (int f = 0; f < FLOWS; f++)
        {
            for (int t = 1; t < THREADS; t++)
            {
                assertEquals(chosen[0][f], chosen[t][f], "flow " + f + " thread " + t);
            }
        }
    }
}
