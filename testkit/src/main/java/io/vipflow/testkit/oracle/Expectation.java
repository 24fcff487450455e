package io.vipflow.testkit.oracle;

import io.vipflow.Decision;
import io.vipflow.Reason;
import io.vipflow.Verdict;
import io.vipflow.service.Backend;
import io.vipflow.service.Frontend;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the reference model says the classifier must do with one packet.
 *
 * @param verdict          the verdict
 * @param reason           the reason ({@link Reason#NONE} for DNAT, REPLY and for PASS without a frontend)
 * @param servicePortLabel {@code namespace/name:portName} (or the port number when unnamed) of the matched
 *                         Service port; null when the packet matched no frontend
 * @param allowedBackends  for DNAT, the backend names the classifier may choose: exactly one for an established
 *                         flow or an affinity hit, the usable set for a new flow; for REPLY, the one backend
 *                         that answers; empty otherwise
 * @param newFlow          for DNAT, whether the packet must create the flow's entry; null otherwise
 * @param frontend         for REPLY, the frontend the answer is rewritten to ({@code 10.96.0.10:80},
 *                         {@code [fd00::1]:80}); null when not compared
 * @param alternatives     other outcomes that are just as acceptable (an ambiguous reply); usually empty
 */
public record Expectation(Verdict verdict, Reason reason, String servicePortLabel, Set<String> allowedBackends,
    Boolean newFlow, String frontend, List<Expectation> alternatives, Boolean masquerade, String client)
{
    /**
     * Checks the fields.
     *
     * @param verdict as {@link #verdict()}.
     * @param reason as {@link #reason()}.
     * @param servicePortLabel as {@link #servicePortLabel()}.
     * @param allowedBackends as {@link #allowedBackends()}.
     * @param newFlow as {@link #newFlow()}.
     * @param frontend as {@link #frontend()}.
     * @param alternatives as {@link #alternatives()}.
     * @param masquerade as {@link #masquerade()}.
     * @param client as {@link #client()}.
     */
    public Expectation
    {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(reason, "reason");
        allowedBackends = Set.copyOf(allowedBackends);
        alternatives = List.copyOf(alternatives);
    }

    /**
     * An expectation that does not compare the masquerade decision.
     *
     * @param verdict          as {@link #verdict()}
     * @param reason           as {@link #reason()}
     * @param servicePortLabel as {@link #servicePortLabel()}
     * @param allowedBackends  as {@link #allowedBackends()}
     * @param newFlow          as {@link #newFlow()}
     * @param frontend         as {@link #frontend()}
     * @param alternatives     as {@link #alternatives()}
     */
    public Expectation(final Verdict verdict, final Reason reason, final String servicePortLabel,
        final Set<String> allowedBackends, final Boolean newFlow, final String frontend,
        final List<Expectation> alternatives)
    {
        this(verdict, reason, servicePortLabel, allowedBackends, newFlow, frontend, alternatives, null, null);
    }

    /**
     * This DNAT expectation with kube-proxy's masquerade decision: {@code masquerade} whatever the backend, and
     * also whenever the chosen backend's address is {@code client} (hairpin).
     */
    Expectation masquerading(final boolean masq, final String clientAddress)
    {
        return new Expectation(verdict, reason, servicePortLabel, allowedBackends, newFlow, frontend, alternatives,
            masq, clientAddress);
    }

    /**
     * An expectation for a client-to-service packet: the frontend is the packet's destination, not compared.
     *
     * @param verdict          as {@link #verdict()}
     * @param reason           as {@link #reason()}
     * @param servicePortLabel as {@link #servicePortLabel()}
     * @param allowedBackends  as {@link #allowedBackends()}
     * @param newFlow          as {@link #newFlow()}
     */
    public Expectation(final Verdict verdict, final Reason reason, final String servicePortLabel,
        final Set<String> allowedBackends, final Boolean newFlow)
    {
        this(verdict, reason, servicePortLabel, allowedBackends, newFlow, null, List.of());
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

    /** A REPLY from {@code backend}, rewritten to {@code frontend} of the Service port {@code label}. */
    static Expectation reply(final String label, final String frontend, final String backend)
    {
        return new Expectation(Verdict.REPLY, Reason.NONE, label, Set.of(backend), null, frontend, List.of());
    }

    /** The first of {@code options}, with the others as equally acceptable alternatives. */
    static Expectation anyOf(final List<Expectation> options)
    {
        final Expectation first = options.get(0);
        return new Expectation(first.verdict, first.reason, first.servicePortLabel, first.allowedBackends,
            first.newFlow, first.frontend, options.subList(1, options.size()), first.masquerade, first.client);
    }

    /** The frontend a decision names, spelled as in {@link #frontend()}; null when it names none. */
    static String frontendOf(final Decision d)
    {
        final Frontend f = d.frontend();
        return f == null ? null : ModelAddress.socket(ModelAddress.fromTuple(f.ipv6, f.addrHi, f.addrLo), f.port);
    }

    /**
     * Compares a real decision with this expectation (and its alternatives).
     *
     * @param d the classifier's decision
     * @return null when the decision is acceptable, otherwise a one-line description of the mismatch
     */
    public String check(final Decision d)
    {
        final String mismatch = checkOne(d);
        if (mismatch == null)
        {
            return null;
        }
        for (final Expectation alternative : alternatives)
        {
            if (alternative.checkOne(d) == null)
            {
                return null;
            }
        }
        return alternatives.isEmpty() ? mismatch : mismatch + "; nor any of " + alternatives;
    }

    private String checkOne(final Decision d)
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
        if (frontend != null && !frontend.equals(frontendOf(d)))
        {
            return "expected frontend " + frontend + " but the classifier named " + frontendOf(d) + " (" + d + ")";
        }
        if (verdict != Verdict.DNAT && d.masquerade())
        {
            return "only a DNAT may be masqueraded, but got " + d;
        }
        if (verdict != Verdict.DNAT && verdict != Verdict.REPLY)
        {
            return d.backend() == null ? null : "expected no backend for " + verdict + " but got " + d;
        }
        if (d.backend() == null)
        {
            return "expected a backend among " + sorted() + " but the " + verdict + " decision has none";
        }
        if (!allowedBackends.contains(d.backend().name))
        {
            return "expected a backend among " + sorted() + " but the classifier chose " + d.backend().name +
                " (" + d + ")";
        }
        if (verdict == Verdict.REPLY)
        {
            return d.newFlow() ? "a reply never creates a flow, but got " + d : null;
        }
        if (newFlow != d.newFlow())
        {
            return "expected " + (newFlow ? "a new flow" : "an established flow") + " but got " + d;
        }
        if (masquerade != null)
        {
            final Backend b = d.backend();
            final boolean expected = masquerade || ModelAddress.fromTuple(b.ipv6, b.addrHi, b.addrLo).equals(client);
            if (expected != d.masquerade())
            {
                return "expected " + (expected ? "" : "no ") + "masquerade but got " + d;
            }
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
        final String one = verdict + (reason == Reason.NONE ? "" : "(" + reason.label + ")") +
            (servicePortLabel == null ? "" : " " + servicePortLabel) +
            (frontend == null ? "" : " via " + frontend) +
            (verdict == Verdict.DNAT ? " -> " + sorted() + (newFlow ? " NEW" : " ESTABLISHED") : "") +
            (Boolean.TRUE.equals(masquerade) ? " MASQ" : "") +
            (verdict == Verdict.REPLY ? " <- " + sorted() : "");
        if (alternatives.isEmpty())
        {
            return one;
        }
        final List<String> all = new ArrayList<>();
        all.add(one);
        alternatives.forEach(a -> all.add(a.toString()));
        return String.join(" or ", all);
    }
}
