package io.vipflow;

import io.vipflow.conntrack.ConnTimeouts;
import io.vipflow.service.Backend;
import io.vipflow.service.ServicePort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.vipflow.TestCluster.SECOND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A new flow whose entry takes the way of the flow's own expired entry: the table reports the pair as one change
 * ({@code ConnTable.RemovalListener.onReplaced}) and the classifier accounts for it as one, so the counts stay what a
 * removal followed by a creation would give (docs/SEMANTICS.md §3: active = TCP ESTABLISHED, inactive = any other
 * entry), on the same backend, on another backend, and across the active/inactive line. IPVS timeouts: SYN_RECV
 * 60 s, ESTABLISHED 900 s.
 */
class ReplacedEntryAccountingTest
{
    private static final int SYN = 0x02;
    private static final int ACK = 0x10;
    private static final String VIP = "10.96.0.10";
    private static final String CLIENT = "10.1.1.1";

    private TestCluster c;

    @AfterEach
    void close()
    {
        c.classifier.close();
    }

    private void web(final String scheduler, final String... backends)
    {
        c = TestCluster.web(scheduler, ClassifierConfig.defaults().withConnectionCapacity(4096)
            .withAffinityCapacity(64).withTimeouts(ConnTimeouts.ipvsDefaults()), "node-a", backends);
    }

    private Backend backend(final String name)
    {
        final ServicePort sp = c.d.servicePort();
        for (int i = 0; i < sp.clusterSet.size(); i++)
        {
            final Backend b = sp.clusterSet.get(i);
            if (b.name.equals(name))
            {
                return b;
            }
        }
        throw new AssertionError("no backend " + name);
    }

    private long stat(final String label)
    {
        final Map<String, Long> stats = c.classifier.stats().toMap();
        return stats.get(label);
    }

    /**
     * The flow's SYN again at {@code at}, when its entry has run out: a new flow whose entry replaces the expired one.
     * The table then holds one entry, and has counted one expiration. Returns the new flow's backend.
     */
    private Backend replaceAt(final long at)
    {
        assertTrue(c.tcp(CLIENT, 40000, VIP, 80, SYN, at).newFlow());
        assertEquals(1, stat("entries"));
        assertEquals(1, stat("expirations"));
        assertEquals(1, c.classifier.connections().countLive());
        return backend(c.backend());
    }

    @Test
    void sameBackendSameSideChangesNoCount()
    {
        web("rr", "10.244.0.1");
        c.tcp(CLIENT, 40000, VIP, 80, SYN, 0);
        final Backend b = backend(c.backend());
        assertEquals(1, b.counters.inactive());

        // SYN_RECV has run out: the next SYN of the same flow meets its expired entry and replaces it.
        assertEquals(b.name, replaceAt(61 * SECOND).name);
        assertEquals(0, b.counters.active());
        assertEquals(1, b.counters.inactive());
    }

    @Test
    void anotherBackendMovesTheCount()
    {
        web("rr", "10.244.0.1", "10.244.0.2");
        c.tcp(CLIENT, 40000, VIP, 80, SYN, 0);
        final Backend first = backend(c.backend());

        final Backend second = replaceAt(61 * SECOND);
        assertNotEquals(first.name, second.name, "rr gives the replacing flow the other backend");
        assertEquals(0, first.counters.inactive(), "the replaced entry's backend");
        assertEquals(1, second.counters.inactive());

        c.tcp(CLIENT, 40000, VIP, 80, ACK, 62 * SECOND);
        assertEquals(1, second.counters.active(), "the new entry's state changes count on its own backend");
        assertEquals(0, second.counters.inactive());
    }

    @Test
    void anExpiredEstablishedEntryLeavesTheActiveCount()
    {
        web("rr", "10.244.0.1");
        c.tcp(CLIENT, 40000, VIP, 80, SYN, 0);
        c.tcp(CLIENT, 40000, VIP, 80, ACK, SECOND);
        final Backend b = backend(c.backend());
        assertEquals(1, b.counters.active());
        assertEquals(0, b.counters.inactive());

        assertEquals(b.name, replaceAt(1_000 * SECOND).name);
        assertEquals(0, b.counters.active());
        assertEquals(1, b.counters.inactive());
    }
}
