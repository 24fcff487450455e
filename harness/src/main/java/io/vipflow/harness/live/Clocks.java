package io.vipflow.harness.live;

import java.time.Instant;

/**
 * Wall-clock time for the lines {@code vipflow watch} prints. Thread contract: stateless.
 */
final class Clocks
{
    private Clocks()
    {
    }

    /**
     * @return the wall clock in epoch nanoseconds, truncated to microseconds: the decision schema then prints
     * microsecond digits, as it does for a pcap taken at that resolution.
     */
    static long epochNanos()
    {
        final Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano() / 1000 * 1000L;
    }
}
