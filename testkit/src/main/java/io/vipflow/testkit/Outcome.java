package io.vipflow.testkit;

import io.vipflow.Decision;
import io.vipflow.Verdict;

import java.util.Objects;

/**
 * What the proxy under test did with one client packet: forwarded it to a backend, rejected it (an ICMP
 * unreachable or a TCP RST back to the client), dropped it silently, or passed it on unchanged because it was not
 * addressed to a Service. The three ways of not forwarding differ to a client (a refused connection fails at once,
 * a dropped one only after its timeouts) and kube-proxy chooses among them on purpose, so the property holds the
 * proxy to the right one.
 * <p>
 * Thread contract: immutable.
 *
 * @param verdict {@link Verdict#DNAT}, {@link Verdict#REJECT}, {@link Verdict#DROP} or {@link Verdict#PASS}.
 * @param backend for {@code DNAT}, the backend as {@code ip:port} ({@code 10.244.1.5:8080},
 *                {@code [fd00:244:1::5]:8080}); null otherwise.
 */
public record Outcome(Verdict verdict, String backend)
{
    private static final Outcome REJECTED = new Outcome(Verdict.REJECT, null);
    private static final Outcome DROPPED = new Outcome(Verdict.DROP, null);
    private static final Outcome PASSED = new Outcome(Verdict.PASS, null);

    /**
     * Checks that a backend is named exactly when the packet was forwarded.
     *
     * @param verdict as {@link #verdict()}.
     * @param backend as {@link #backend()}.
     * @throws IllegalArgumentException for a {@code REPLY} verdict (client packets are never replies), a forward
     *                                  without a backend or a backend without a forward.
     */
    public Outcome
    {
        Objects.requireNonNull(verdict, "verdict");
        if (verdict == Verdict.REPLY)
        {
            throw new IllegalArgumentException("a client packet's outcome is never REPLY");
        }
        if ((verdict == Verdict.DNAT) != (backend != null))
        {
            throw new IllegalArgumentException(verdict + " with backend " + backend);
        }
    }

    /**
     * @param backend the backend as {@code ip:port}, IPv6 addresses bracketed.
     * @return the packet was forwarded to {@code backend}.
     */
    public static Outcome forwardedTo(final String backend)
    {
        return new Outcome(Verdict.DNAT, Objects.requireNonNull(backend, "backend"));
    }

    /**
     * @return the packet was refused actively (ICMP unreachable or TCP RST).
     */
    public static Outcome rejected()
    {
        return REJECTED;
    }

    /**
     * @return the packet was discarded silently.
     */
    public static Outcome dropped()
    {
        return DROPPED;
    }

    /**
     * @return the packet was left alone: it is not addressed to a Service.
     */
    public static Outcome passed()
    {
        return PASSED;
    }

    /**
     * The outcome of a vipflow {@link Decision}, for a proxy built on vipflow's classifier.
     *
     * @param d a decision for a client packet.
     * @return the decision's verdict, with the backend's {@code ip:port} for a DNAT.
     */
    public static Outcome of(final Decision d)
    {
        return d.verdict() == Verdict.DNAT ? forwardedTo(d.backend().name) : new Outcome(d.verdict(), null);
    }

    /**
     * @return the backend's {@code ip:port} for a forward, otherwise {@code REJECT}, {@code DROP} or {@code PASS}.
     */
    @Override
    public String toString()
    {
        return backend != null ? backend : verdict.name();
    }
}
