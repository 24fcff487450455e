package io.vipflow.sched;

import java.util.List;

/**
 * The schedulers available by name, with their flags. Control plane only.
 * <p>
 * IPVS schedulers, with the kernel's semantics ({@code net/netfilter/ipvs/ip_vs_*.c}): {@code rr}, {@code wrr},
 * {@code lc}, {@code wlc}, {@code sed}, {@code nq}, {@code fo}, {@code ovf}, {@code twos}, {@code sh}, {@code dh},
 * {@code mh}, {@code lblc}, {@code lblcr}. Others: {@code random} (kube-proxy iptables / nftables modes),
 * {@code maglev} (the paper, Katran / Envoy weights), {@code ring-hash} (Ketama, Envoy) and
 * {@code least-request} (Envoy's power of two choices).
 * <p>
 * Flags are comma-separated, as kube-proxy's {@code --ipvs-scheduler} flags and ipvsadm write them:
 * <ul>
 * <li>{@code sh}: {@code sh-fallback} (skip a quiesced destination), {@code sh-port} (hash the source port
 * too).</li>
 * <li>{@code dh}: {@code dh-fallback}, {@code dh-port} (vipflow's, mirroring sh; the kernel's dh has none).</li>
 * <li>{@code mh}: {@code mh-fallback}, {@code mh-port}, {@code table-size=P} with P one of the kernel's primes
 * 251, 509, 1021, 2039, 4093 (default), 8191, 16381, 32749, 65521, 131071.</li>
 * <li>{@code maglev}: {@code table-size=P}, any prime up to 655373; without it the size follows the backend count
 * ({@link MaglevTable#sizeFor}: the smallest listed prime at least 100·N, 251 at least).</li>
 * <li>{@code ring-hash}: {@code ring-size=R}, minimum points on the ring, 1..8388608 (default 1024).</li>
 * <li>{@code least-request}: {@code choices=N}, destinations drawn per pick, 2..16 (default 2).</li>
 * </ul>
 * Every other scheduler takes no flags. Example: {@code factory("mh", "mh-fallback,table-size=65521", 0)}.
 */
public final class Schedulers
{
    /** The names {@link #factory} accepts. */
    public static final List<String> NAMES = List.of("rr", "wrr", "lc", "wlc", "sed", "nq", "fo", "ovf", "twos",
        "sh", "dh", "mh", "lblc", "lblcr", "random", "maglev", "ring-hash", "least-request");

    private Schedulers()
    {
    }

    /**
     * {@return {@link #factory(String, String, long)} without flags}
     *
     * @param name a scheduler name from {@link #NAMES}
     * @param seed seed for schedulers that draw pseudo-random numbers
     */
    public static SchedulerFactory factory(final String name, final long seed)
    {
        return factory(name, null, seed);
    }

    /**
     * @param name  a scheduler name from {@link #NAMES}
     * @param flags comma-separated flags for that scheduler, or null / blank for none
     * @param seed  seed for schedulers that draw pseudo-random numbers (so a replay is repeatable)
     * @throws IllegalArgumentException naming the valid choices when the name or a flag is unknown or malformed
     * @return the factory of that scheduler
     */
    public static SchedulerFactory factory(final String name, final String flags, final long seed)
    {
        if (name == null || !NAMES.contains(name))
        {
            throw new IllegalArgumentException("unknown scheduler '" + name + "' (one of " + NAMES + ")");
        }
        final SchedulerFlags f = new SchedulerFlags(name, flags, allowedFlags(name));
        switch (name)
        {
            case "rr": return RoundRobinScheduler::create;
            case "wrr": return WeightedRoundRobinScheduler::create;
            case "lc": return LeastConnectionScheduler::create;
            case "wlc": return WeightedLeastConnectionScheduler::create;
            case "sed": return ShortestExpectedDelayScheduler::create;
            case "nq": return NeverQueueScheduler::create;
            case "fo": return WeightedFailoverScheduler::create;
            case "ovf": return OverflowScheduler::create;
            case "twos": return (d, previous) -> TwoChoicesScheduler.create(d, previous, seed);
            case "sh":
            {
                final boolean fallback = f.has("sh-fallback");
                final boolean port = f.has("sh-port");
                return (d, previous) -> SourceHashScheduler.create(d, previous, fallback, port);
            }
            case "dh":
            {
                final boolean fallback = f.has("dh-fallback");
                final boolean port = f.has("dh-port");
                return (d, previous) -> DestinationHashScheduler.create(d, previous, fallback, port);
            }
            case "mh":
            {
                final boolean fallback = f.has("mh-fallback");
                final boolean port = f.has("mh-port");
                final int size = f.integer("table-size", IpvsMaglevScheduler.DEFAULT_SIZE, 1, Integer.MAX_VALUE);
                IpvsMaglevScheduler.requireKernelSize(size);
                return (d, previous) -> IpvsMaglevScheduler.create(d, previous, size, fallback, port);
            }
            case "lblc": return LocalityScheduler::create;
            case "lblcr": return LocalityReplicationScheduler::create;
            case "random": return (d, previous) -> RandomScheduler.create(d, previous, seed);
            case "maglev":
            {
                final int size = f.integer("table-size", 0, 2, MaglevTable.MAX_SIZE);
                if (size != 0)
                {
                    MaglevTable.requirePrime(size);
                }
                return (d, previous) -> MaglevScheduler.create(d, size, previous);
            }
            case "ring-hash":
            {
                final int size = f.integer("ring-size", RingHash.DEFAULT_SIZE, 1, RingHash.MAX_SIZE);
                return (d, previous) -> RingHashScheduler.create(d, previous, size);
            }
            case "least-request":
            {
                final int choices = f.integer("choices", 2, 2, 16);
                return (d, previous) -> LeastRequestScheduler.create(d, previous, choices, seed);
            }
            default: throw new IllegalStateException(name);
        }
    }

    /**
     * Bytes of the lookup table a Service port's scheduler holds beyond its per-backend state: the part of the
     * compiled state that can be large for few backends, so a caller can refuse a cluster whose tables cannot fit
     * before building them. Maglev's table (2 bytes a slot, {@code table-size} or {@link MaglevTable#sizeFor}),
     * {@code mh}'s (4 bytes a slot), {@code ring-hash}'s points (8 bytes each, at least {@code ring-size}); 0 for
     * the schedulers whose state follows the backend count.
     *
     * @param name     a scheduler name from {@link #NAMES}
     * @param flags    its flags, or null / blank for none
     * @param backends the backends the table will index
     * @throws IllegalArgumentException as {@link #factory} does for an unknown name or a bad flag
     * @return bytes of the table, 0 for schedulers without one
     */
    public static long tableBytes(final String name, final String flags, final int backends)
    {
        if (name == null || !NAMES.contains(name))
        {
            throw new IllegalArgumentException("unknown scheduler '" + name + "' (one of " + NAMES + ")");
        }
        final SchedulerFlags f = new SchedulerFlags(name, flags, allowedFlags(name));
        switch (name)
        {
            case "maglev":
            {
                final int forced = f.integer("table-size", 0, 2, MaglevTable.MAX_SIZE);
                return Character.BYTES * (long)(forced != 0 ? forced : MaglevTable.sizeFor(Math.max(1, backends), 0));
            }
            case "mh":
                return Integer.BYTES * (long)f.integer("table-size", IpvsMaglevScheduler.DEFAULT_SIZE, 1,
                    Integer.MAX_VALUE);
            case "ring-hash":
                return Long.BYTES * Math.max((long)backends,
                    f.integer("ring-size", RingHash.DEFAULT_SIZE, 1, RingHash.MAX_SIZE));
            default:
                return 0;
        }
    }

    /**
     * {@return the flags {@code name} accepts; a trailing '=' marks a flag that takes a value}
     *
     * @param name a scheduler name from {@link #NAMES}
     */
    public static List<String> allowedFlags(final String name)
    {
        switch (name)
        {
            case "sh": return List.of("sh-fallback", "sh-port");
            case "dh": return List.of("dh-fallback", "dh-port");
            case "mh": return List.of("mh-fallback", "mh-port", "table-size=");
            case "maglev": return List.of("table-size=");
            case "ring-hash": return List.of("ring-size=");
            case "least-request": return List.of("choices=");
            default: return List.of();
        }
    }
}
