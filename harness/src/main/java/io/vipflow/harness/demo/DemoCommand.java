package io.vipflow.harness.demo;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code vipflow demo}: the built-in rolling-update scenario. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run the built-in scenario: client traffic through a rolling update of a 6-replica Service.")
public final class DemoCommand implements Callable<Integer>
{
    @Option(names = "--scheduler", defaultValue = "maglev", description = "Scheduler, as in vipflow schedule (default: ${DEFAULT-VALUE}).")
    String scheduler;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--seconds", defaultValue = "60", description = "Simulated seconds (default: ${DEFAULT-VALUE}).")
    int seconds;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call()
    {
        final Demo.Result r = new Demo(spec.commandLine().getOut(), scheduler, seed, seconds).run();
        spec.commandLine().getOut().flush();
        return r.longFlowsMoved() == 0 && r.pastRemovedPods() == 0 ? 0 : 1;
    }
}
