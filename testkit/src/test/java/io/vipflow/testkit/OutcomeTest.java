package io.vipflow.testkit;

import io.vipflow.Reason;
import io.vipflow.Verdict;
import io.vipflow.testkit.oracle.Expectation;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The property accepts an outcome only of the verdict the model expects, and a forward only to an allowed backend. */
class OutcomeTest
{
    private static final List<Outcome> OUTCOMES = List.of(Outcome.forwardedTo("10.244.1.1:8080"),
        Outcome.forwardedTo("10.244.2.2:8080"), Outcome.rejected(), Outcome.dropped(), Outcome.passed());

    @Test
    void onlyTheExpectedVerdictIsAllowed()
    {
        final Expectation dnat = new Expectation(Verdict.DNAT, Reason.NONE, "default/svc-0:http",
            Set.of("10.244.1.1:8080"), true);
        final Expectation reject = new Expectation(Verdict.REJECT, Reason.NO_ENDPOINTS, "default/svc-0:http",
            Set.of(), null);
        final Expectation drop = new Expectation(Verdict.DROP, Reason.NO_LOCAL_ENDPOINTS, "default/svc-0:http",
            Set.of(), null);
        final Expectation pass = new Expectation(Verdict.PASS, Reason.NONE, null, Set.of(), null);
        assertEquals(List.of(true, false, false, false, false), allowed(dnat));
        assertEquals(List.of(false, false, true, false, false), allowed(reject));
        assertEquals(List.of(false, false, false, true, false), allowed(drop));
        assertEquals(List.of(false, false, false, false, true), allowed(pass));
    }

    @Test
    void anAlternativeAllowsItsOwnVerdict()
    {
        final Expectation dnatOrFull = new Expectation(Verdict.DNAT, Reason.NONE, "default/svc-0:http",
            Set.of("10.244.1.1:8080"), true, null,
            List.of(new Expectation(Verdict.DROP, Reason.TABLE_FULL, "default/svc-0:http", Set.of(), null)));
        assertEquals(List.of(true, false, false, true, false), allowed(dnatOrFull));
    }

    @Test
    void aBackendGoesWithAForwardAndNothingElse()
    {
        assertThrows(IllegalArgumentException.class, () -> new Outcome(Verdict.DNAT, null));
        assertThrows(IllegalArgumentException.class, () -> new Outcome(Verdict.DROP, "10.244.1.1:8080"));
        assertThrows(IllegalArgumentException.class, () -> new Outcome(Verdict.REPLY, null));
        assertEquals("DROP", Outcome.dropped().toString());
        assertEquals("10.244.1.1:8080", Outcome.forwardedTo("10.244.1.1:8080").toString());
    }

    private static List<Boolean> allowed(final Expectation e)
    {
        return OUTCOMES.stream().map(o -> ProxyProperty.allows(e, o)).toList();
    }
}
