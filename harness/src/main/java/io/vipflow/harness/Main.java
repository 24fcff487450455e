package io.vipflow.harness;

import io.vipflow.harness.conntrack.ConntrackCommand;
import io.vipflow.harness.demo.DemoCommand;
import io.vipflow.harness.live.WatchCommand;
import io.vipflow.harness.replay.ReplayCommand;
import io.vipflow.harness.report.ReportCommand;
import io.vipflow.harness.sample.SampleCommand;
import io.vipflow.harness.sched.MaglevCommand;
import io.vipflow.harness.sched.ScheduleCommand;
import io.vipflow.harness.sim.SimulateCommand;
import io.vipflow.harness.soak.SoakCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The {@code vipflow} command line. Bad input (a malformed file or object) ends with a one-line message on
 * standard error and exit code 2, never a stack trace.
 */
@Command(name = "vipflow", mixinStandardHelpOptions = true, version = "vipflow 0.1.0",
    description = "Service load-balancing decisions, replayed and explained.",
    subcommands = {ReplayCommand.class, DemoCommand.class, ScheduleCommand.class, MaglevCommand.class,
        ConntrackCommand.class, ReportCommand.class, SimulateCommand.class, WatchCommand.class, SoakCommand.class,
        SampleCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable
{
    /** Exit code for bad input files, objects and arguments. */
    public static final int EXIT_BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        spec.commandLine().usage(System.out);
    }

    public static void main(final String[] args)
    {
        // First, before any Chronicle Map class loads (conntrack dump): it must never send usage data.
        System.setProperty("chronicle.analytics.disable", "true");
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code (for tests). */
    public static int execute(final String... args)
    {
        final CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) ->
        {
            final Throwable cause = ex instanceof UncheckedIOException ? ex.getCause() : ex;
            if (cause instanceof IOException)
            {
                commandLine.getErr().println("vipflow: " + cause.getMessage());
                return EXIT_BAD_INPUT;
            }
            commandLine.getErr().println("vipflow: internal error: " + cause);
            return 1;
        });
        return cli.execute(args);
    }
}
