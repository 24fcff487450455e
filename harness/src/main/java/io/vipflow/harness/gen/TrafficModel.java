package io.vipflow.harness.gen;

import java.util.List;
import java.util.Objects;

/**
 * What client traffic looks like: how much, from whom, to which Services, and which kinds of flows.
 * <p>
 * Thread contract: immutable.
 *
 * @param packetsPerSecond    normal traffic (attacks excluded), packets per simulated second, > 0.
 * @param clients             distinct client addresses, ≥ 1.
 * @param clientZipf          Zipf exponent of client popularity (0: uniform).
 * @param serviceZipf         Zipf exponent of Service popularity, in declaration order (0: uniform).
 * @param httpShare           share of new flows that are short HTTP-like TCP connections.
 * @param longShare           share of new flows that are long-lived TCP connections.
 * @param dnsShare            share of new flows that are DNS-like UDP queries.
 * @param ipv6Share           share of flows to a dual-stack Service that use IPv6, 0..1.
 * @param httpMinData         fewest data packets a short connection sends after its request, ≥ 0.
 * @param httpMaxData         most data packets a short connection sends after its request, ≥ min.
 * @param httpRstShare        share of short connections that end with RST instead of FIN, 0..1.
 * @param longMeanSeconds     mean lifetime of a long-lived connection, seconds (exponential).
 * @param longIntervalSeconds mean gap between packets of a long-lived connection, seconds.
 * @param dnsRetryShare       share of DNS queries repeated one second later on the same socket, 0..1.
 * @param attacks             attack traffic on top of the normal traffic.
 */
public record TrafficModel(
    double packetsPerSecond,
    int clients,
    double clientZipf,
    double serviceZipf,
    double httpShare,
    double longShare,
    double dnsShare,
    double ipv6Share,
    int httpMinData,
    int httpMaxData,
    double httpRstShare,
    double longMeanSeconds,
    double longIntervalSeconds,
    double dnsRetryShare,
    List<Attack> attacks)
{
    public TrafficModel
    {
        attacks = List.copyOf(attacks);
        if (!(packetsPerSecond > 0) || clients < 1 || clients > TrafficGenerator.MAX_CLIENTS)
        {
            throw new IllegalArgumentException("packetsPerSecond must be > 0 and clients in 1.." +
                TrafficGenerator.MAX_CLIENTS);
        }
        if (!(clientZipf >= 0) || !(serviceZipf >= 0))
        {
            throw new IllegalArgumentException("Zipf exponents must be ≥ 0");
        }
        if (!(httpShare >= 0) || !(longShare >= 0) || !(dnsShare >= 0) || httpShare + longShare + dnsShare <= 0)
        {
            throw new IllegalArgumentException("the flow mix needs non-negative shares with a positive sum");
        }
        if (!unit(ipv6Share) || !unit(httpRstShare) || !unit(dnsRetryShare))
        {
            throw new IllegalArgumentException("ipv6Share, httpRstShare and dnsRetryShare must be in 0..1");
        }
        if (httpMinData < 0 || httpMaxData < httpMinData || !(longMeanSeconds > 0) || !(longIntervalSeconds > 0))
        {
            throw new IllegalArgumentException("invalid HTTP data range or long-lived timing");
        }
    }

    /** Typical defaults: mostly short HTTP, a quarter DNS, a few long-lived connections, 30 % IPv6 when offered. */
    public static TrafficModel defaults()
    {
        return new TrafficModel(20_000, 2_000, 0.9, 1.0, 0.70, 0.05, 0.25, 0.3, 1, 6, 0.05, 60, 1.0, 0.02,
            List.of());
    }

    /** This model at another normal packet rate. */
    public TrafficModel withPacketsPerSecond(final double pps)
    {
        return new TrafficModel(pps, clients, clientZipf, serviceZipf, httpShare, longShare, dnsShare, ipv6Share,
            httpMinData, httpMaxData, httpRstShare, longMeanSeconds, longIntervalSeconds, dnsRetryShare, attacks);
    }

    /** This model with other attacks. */
    public TrafficModel withAttacks(final List<Attack> newAttacks)
    {
        return new TrafficModel(packetsPerSecond, clients, clientZipf, serviceZipf, httpShare, longShare, dnsShare,
            ipv6Share, httpMinData, httpMaxData, httpRstShare, longMeanSeconds, longIntervalSeconds, dnsRetryShare,
            newAttacks);
    }

    /**
     * Attack traffic during {@code [fromSeconds, toSeconds)}.
     *
     * @param kind        SYN flood (spoofed sources, one SYN each) or scan (a pool of sources probing ports).
     * @param fromSeconds start, seconds.
     * @param toSeconds   end, seconds, > start.
     * @param ratio       attack packets per normal packet while it lasts (1: as many as the normal traffic).
     * @param service     "namespace/name" or name of the target; null for every Service with a TCP port.
     * @param sources     distinct source addresses of a scan (a flood draws its sources at random), ≥ 1.
     */
    public record Attack(Kind kind, double fromSeconds, double toSeconds, double ratio, String service, int sources)
    {
        /** Attack kinds. */
        public enum Kind
        {
            SYN_FLOOD, SCAN
        }

        public Attack
        {
            Objects.requireNonNull(kind, "kind");
            if (!(fromSeconds >= 0) || !(toSeconds > fromSeconds) || !(ratio > 0) || sources < 1)
            {
                throw new IllegalArgumentException("attack needs 0 ≤ from < to, ratio > 0 and sources ≥ 1");
            }
        }
    }

    private static boolean unit(final double v)
    {
        return v >= 0 && v <= 1;
    }
}
