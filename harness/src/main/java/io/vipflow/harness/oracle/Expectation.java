package io.vipflow.harness.oracle;

import io.vipflow.Decision;
import io.vipflow.Reason;
import io.vipflow.Verdict;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the reference model says the classifier must do with one packet.
 *
 * @param verdict          the verdict
 * @param reason           the reason ({@link Reason#NONE} for DNAT and for PASS without a frontend)
 * @param servicePortLabel {@code namespace/name:portName} (or the port number when unnamed) of the matched
 *                         Service port; null when the packet matched no frontend
 * @param allowedBackends  for DNAT, the backend names the classifier may choose: exactly one for an established
 *                         flow or an affinity hit, the usable set for a new flow; empty otherwise
 * @param newFlow          for DNAT, whether the packet must create the flow's entry; null otherwise
 */
public record Expectation(Verdict verdict, Reason reason, String servicePortLabel, Set<String> allowedBackends,
    Boolean newFlow)
{
    public Expectation
    {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(reason, "reason");
        allowedBackends = Set.copyOf(allowedBackends);
    }

    /** A verdict without a backend. */
    static Expectation of(final Verdict verdict, final Reason reason, final String label)
    {
        return new Expectation(verdict, reason, label, Set.of(), null);
    }

    /** A DNAT to one of {@code allowed}. */
    static Expectation dnat(final String label, final Set<String> allowed, final boolean newFlow)
    {
        return new Expectation(Verdict.DNAT, Reason.NONE, label, allowed, newFlow);
    }

    /**
     * Compares a real decision with this expectation.
     *
     * @return null when the decision is acceptable, otherwise a one-line description of the mismatch
     */
    public String check(final Decision d)
    {
        if (d.verdict() != verdict || d.reason() != reason)
        {
            return "expected " + this + " but the classifier decided " + d;
        }
        final String actualLabel = d.servicePort() == null ? null : d.servicePort().label;
        if (!Objects.equals(servicePortLabel, actualLabel))
        {
            return "expected service port " + servicePortLabel + " but the classifier matched " + actualLabel +
                " (" + d + ")";
        }
        if (verdict != Verdict.DNAT)
        {
            return d.backend() == null ? null : "expected no backend for " + verdict + " but got " + d;
        }
        if (d.backend() == null)
        {
            return "expected a backend among " + sorted() + " but the DNAT decision has none";
        }
        if (!allowedBackends.contains(d.backend().name))
        {
            return "expected a backend among " + sorted() + " but the classifier chose " + d.backend().name +
                " (" + d + ")";
        }
        if (newFlow != d.newFlow())
        {
            return "expected " + (newFlow ? "a new flow" : "an established flow") + " but got " + d;
        }
        return null;
    }

    private TreeSet<String> sorted()
    {
        return new TreeSet<>(allowedBackends);
    }

    @Override
    public String toString()
    {
        return verdict + (reason == Reason.NONE ? "" : "(" + reason.label + ")") +
            (servicePortLabel == null ? "" : " " + servicePortLabel) +
            (verdict == Verdict.DNAT ? " -> " + sorted() + (newFlow ? " NEW" : " ESTABLISHED") : "");
    }
}
