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
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

/**
 * The {@code vipflow} command line. Every failure ends with one line on standard error and one of the exit codes
 * below, never a stack trace.
 */
@Command(name = "vipflow", mixinStandardHelpOptions = true, version = "vipflow 0.1.0",
    description = "Service load-balancing decisions, replayed and explained.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "1:the run found violations (oracle, counters, memory trend)",
        "2:bad input, argument or output, or an unreachable server", "3:out of memory or stack",
        "4:internal error (a bug: please report the line)"},
    subcommands = {ReplayCommand.class, DemoCommand.class, ScheduleCommand.class, MaglevCommand.class,
        ConntrackCommand.class, ReportCommand.class, SimulateCommand.class, WatchCommand.class, SoakCommand.class,
        SampleCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable
{
    /** Exit code when a run completed and found violations. */
    public static final int EXIT_VIOLATIONS = 1;
    /** Exit code for bad input files, objects and arguments, refused outputs and unreachable servers. */
    public static final int EXIT_BAD_INPUT = 2;
    /** Exit code when the JVM ran out of heap or stack. */
    public static final int EXIT_OUT_OF_MEMORY = 3;
    /** Exit code for a failure the program did not anticipate: a bug. */
    public static final int EXIT_INTERNAL = 4;

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
        final int code = execute(args);
        if (abandonedWork)
        {
            // A thread is stuck where it cannot be interrupted (a Chronicle lock spin), and a library's exit
            // hook would wait for it: end without the hooks. Commands that set this write no files.
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(code);
        }
        System.exit(code);
    }

    /**
     * Set by a command that gave up waiting for a thread it cannot stop, so that the process ends without
     * running shutdown hooks that would wait for that thread.
     */
    public static volatile boolean abandonedWork;

    /** Runs a command line and returns its exit code (for tests). */
    public static int execute(final String... args)
    {
        final CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> report(ex, commandLine.getErr()));
        // A bad argument: one line naming it, and where the usage is, instead of the whole usage text.
        cli.setParameterExceptionHandler((ex, args1) ->
        {
            final CommandLine at = ex.getCommandLine();
            final String name = at.getCommandSpec().qualifiedName();
            at.getErr().println(name + ": " + ex.getMessage().replaceAll("\\s*\\R\\s*", " ").strip() +
                " (see '" + name + " --help')");
            at.getErr().flush();
            return EXIT_BAD_INPUT;
        });
        try
        {
            return cli.execute(args);
        }
        catch (final Throwable t)
        {
            // Errors (out of memory, stack overflow) pass picocli's handler, which sees exceptions only.
            return report(t, cli.getErr());
        }
    }

    /**
     * Prints one line for a failure and chooses its exit code.
     *
     * @return the exit code.
     */
    static int report(final Throwable failure, final PrintWriter err)
    {
        final Throwable cause = failure instanceof UncheckedIOException && failure.getCause() != null ?
            failure.getCause() : failure;
        final int code;
        final String message;
        if (find(cause, OutOfMemoryError.class) != null)
        {
            code = EXIT_OUT_OF_MEMORY;
            message = "out of memory (heap limit " + Runtime.getRuntime().maxMemory() / (1024 * 1024) +
                " MiB): the input needs more; raise the limit with java -Xmx<size> -jar vipflow.jar, or make " +
                "the input smaller";
        }
        else if (find(cause, StackOverflowError.class) != null)
        {
            code = EXIT_OUT_OF_MEMORY;
            message = "out of stack: the input nests too deeply; raise the limit with java -Xss<size>";
        }
        else if (cause instanceof IOException io)
        {
            code = EXIT_BAD_INPUT;
            message = describe(io);
        }
        else if (cause instanceof IllegalArgumentException)
        {
            // The core's refusal of an argument or object it was handed: the message names what and why.
            code = EXIT_BAD_INPUT;
            message = text(cause);
        }
        else
        {
            code = EXIT_INTERNAL;
            final StackTraceElement[] at = cause.getStackTrace();
            message = "internal error: " + cause.getClass().getName() + ": " + text(cause) +
                (at.length > 0 ? " at " + at[0] : "");
        }
        err.println("vipflow: " + message.replaceAll("\\s*\\R\\s*", " ").strip());
        err.flush();
        return code;
    }

    /** An I/O failure with the file it concerns: the JDK's file exceptions carry the path and a bare reason. */
    private static String describe(final IOException ex)
    {
        if (ex instanceof NoSuchFileException f)
        {
            return f.getFile() + ": no such file or directory";
        }
        if (ex instanceof AccessDeniedException f)
        {
            return f.getFile() + ": permission denied";
        }
        if (ex instanceof NotDirectoryException f)
        {
            return f.getFile() + ": not a directory";
        }
        if (ex instanceof FileSystemException f && f.getFile() != null)
        {
            return f.getFile() + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "") + ": " +
                (f.getReason() != null ? f.getReason() : f.getClass().getSimpleName());
        }
        return text(ex);
    }

    private static String text(final Throwable t)
    {
        return t.getMessage() == null || t.getMessage().isBlank() ?
            t.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT) :
            t.getMessage();
    }

    private static Throwable find(final Throwable failure, final Class<? extends Throwable> type)
    {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause())
        {
            if (type.isInstance(t))
            {
                return t;
            }
        }
        return null;
    }
}
