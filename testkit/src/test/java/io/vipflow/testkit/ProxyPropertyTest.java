package io.vipflow.testkit;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's property example: vipflow's classifier passes; an integration that drops EndpointSlice updates is
 * caught, quickly, with a short message naming the packet, its time, what the model allowed and what the proxy
 * chose; so is one that drops what it must reject.
 */
class ProxyPropertyTest
{
    private static final long SEED = 42L;

    @Test
    void vipflowPassesItsOwnProperty()
    {
        ProxyProperty.of(cluster -> new VipflowProxy(cluster, VipflowProxy.Flaw.NONE)).withExamples(60).withSeed(SEED).check();
    }

    @Test
    void aProxyThatForgetsSliceUpdatesIsCaughtInUnder20SecondsWithAShortMessage()
    {
        final AssertionError failure = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(
            AssertionError.class, () -> ProxyProperty.of(cluster -> new VipflowProxy(cluster, VipflowProxy.Flaw.FORGETS_SLICE_UPDATES)).check()));
        final String message = failure.getMessage();
        final String[] lines = message.split("\n");
        assertTrue(lines.length < 40, () -> lines.length + " lines:\n" + message);
        assertTrue(lines[0].startsWith("the proxy disagrees with the reference model at t="), message);
        assertTrue(lines[1].startsWith("  packet:  t="), message);
        assertTrue(lines[2].startsWith("  allowed: "), message);
        assertTrue(lines[3].startsWith("  proxy:   "), message);
        assertTrue(message.contains("<== here"), message);
        assertTrue(message.contains("reproduce with withSeed("), message);
        // The wrong choice is explained by a slice change the proxy missed.
        assertTrue(message.contains("changes before the packet:"), message);
    }

    @Test
    void theCounterexampleShrinksToTheSimplestWorkloadAndIsTheSameForTheSameSeed()
    {
        final String first = failureOfForgetfulProxy();
        assertEquals(first, failureOfForgetfulProxy());
        // One Service, no UDP port, no affinity, no NodePort or LoadBalancer, no SYN flood, one change.
        assertEquals(1L, linesStartingWith(first, "  Service "), first);
        assertTrue(first.contains(" ClusterIP "), first);
        assertTrue(!first.contains("/UDP") && !first.contains("affinity") && !first.contains("198.51.100."), first);
        assertEquals(1L, linesStartingWith(first, "  t="), first);
    }

    @Test
    void aProxyThatDropsWhatItMustRejectIsCaught()
    {
        final String message = assertThrows(AssertionError.class, () -> ProxyProperty.of(
            cluster -> new VipflowProxy(cluster, VipflowProxy.Flaw.DROPS_INSTEAD_OF_REJECTING)).withSeed(SEED).check())
            .getMessage();
        final String[] lines = message.split("\n");
        assertTrue(lines[2].startsWith("  allowed: REJECT(no-endpoints) "), message);
        assertEquals("  proxy:   DROP", lines[3], message);
    }

    private static String failureOfForgetfulProxy()
    {
        return assertThrows(AssertionError.class, () -> ProxyProperty.of(cluster -> new VipflowProxy(cluster, VipflowProxy.Flaw.FORGETS_SLICE_UPDATES))
            .withSeed(SEED).check()).getMessage();
    }

    private static long linesStartingWith(final String text, final String prefix)
    {
        return text.lines().filter(line -> line.startsWith(prefix)).count();
    }
}
