package io.vipflow.harness.sched;

import io.vipflow.internal.FlowHash;
import io.vipflow.harness.Main;
import io.vipflow.packet.PacketTuple;
import io.vipflow.sched.Destination;
import io.vipflow.sched.Scheduler;
import io.vipflow.sched.Schedulers;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code vipflow schedule}: prints a scheduler's picks, in order, for a list of weighted backends with given
 * connection counts. Hash-based schedulers see one synthetic new flow per pick: pick k comes from client
 * 10.1.(k / 256).(k % 256), source port 32768 + k, to 10.96.0.1:80 over TCP. Bad arguments end with one line on
 * standard error and exit code 2. One thread; no state kept between runs.
 */
@Command(name = "schedule", mixinStandardHelpOptions = true,
    description = "Prints a scheduler's picks in order for weighted backends (what-if tool).")
public final class ScheduleCommand implements Callable<Integer>
{
    @Option(names = "--scheduler", required = true, paramLabel = "NAME",
        description = "One of: rr, wrr, lc, wlc, sed, nq, fo, ovf, twos, sh, dh, mh, lblc, lblcr, random, maglev, " +
            "ring-hash, least-request.")
    String scheduler;

    @Option(names = "--flags", paramLabel = "FLAGS",
        description = "Scheduler flags, comma-separated: sh-fallback,sh-port; mh-fallback,mh-port,table-size=P; ...")
    String flags;

    @Option(names = "--backends", required = true, paramLabel = "NAME[=WEIGHT],...",
        description = "Backends in IPVS list order, weight 1 when absent, 0 for quiesced (e.g. A=4,B=3,C=2).")
    String backends;

    @Option(names = "--connections", paramLabel = "NAME=ACTIVE/INACTIVE,...",
        description = "Connection counts for the lc family (e.g. A=3/1,B=0/7); 0/0 when absent.")
    String connections;

    @Option(names = "--picks", paramLabel = "N", defaultValue = "10", description = "Picks to print (default 10).")
    String picks;

    @Option(names = "--count-as", paramLabel = "KIND", defaultValue = "none",
        description = "Count each pick on its backend as an active or inactive connection: none, active, inactive " +
            "(default none).")
    String countAs;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed for random schedulers.")
    long seed;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Most picks one run prints: one line of names, held in memory until printed. */
    static final int MAX_PICKS = 1_000_000;

    @Override
    public Integer call()
    {
        final List<Destination> destinations;
        final Scheduler s;
        final int count;
        try
        {
            if (!List.of("none", "active", "inactive").contains(countAs))
            {
                throw new IllegalArgumentException("--count-as must be none, active or inactive: '" + countAs + "'");
            }
            count = BackendSpecs.number(picks, "--picks");
            if (count > MAX_PICKS)
            {
                throw new IllegalArgumentException("--picks " + count + ": at most " + MAX_PICKS +
                    " (the picks are printed as one line)");
            }
            destinations = BackendSpecs.backends(backends);
            if (connections != null)
            {
                BackendSpecs.connections(connections, destinations);
            }
            s = Schedulers.factory(scheduler, flags, seed).create(destinations, null);
        }
        catch (final IllegalArgumentException ex)
        {
            return usageError(spec, ex.getMessage());
        }
        final PacketTuple packet = new PacketTuple();
        final StringBuilder line = new StringBuilder();
        for (int k = 0; k < count; k++)
        {
            packet.setIpv4(PacketTuple.PROTO_TCP, (10 << 24) | (1 << 16) | (k & 0xFFFF), 32768 + k % 28232,
                (10 << 24) | (96 << 16) | 1, 80, PacketTuple.TCP_SYN);
            final long hash = FlowHash.hash(packet.protocol, packet.srcHi, packet.srcLo, packet.srcPort,
                packet.dstHi, packet.dstLo, packet.dstPort);
            final int pick = s.pick(packet, hash);
            line.append(k == 0 ? "" : " ").append(pick < 0 ? "-" : destinations.get(pick).name());
            if (pick >= 0 && !"none".equals(countAs))
            {
                if ("active".equals(countAs))
                {
                    destinations.get(pick).counters().addActive(1);
                }
                else
                {
                    destinations.get(pick).counters().addInactive(1);
                }
            }
        }
        final PrintWriter out = spec.commandLine().getOut();
        out.println(line);
        out.flush();
        return 0;
    }

    /** One line on standard error naming the problem, exit code 2. */
    static int usageError(final CommandLine.Model.CommandSpec spec, final String message)
    {
        final PrintWriter err = spec.commandLine().getErr();
        err.println("vipflow " + spec.name() + ": " + message + " (see 'vipflow " + spec.name() + " --help')");
        err.flush();
        return Main.EXIT_BAD_INPUT;
    }
}
