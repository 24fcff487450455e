package io.vipflow.harness;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts {@code vipflow} (or another main class) in a JVM of its own with this test's class path, for what only a
 * separate process shows: signals, shutdown hooks, a process killed while holding a lock.
 */
public final class ChildJvm
{
    private ChildJvm()
    {
    }

    /**
     * @param log where standard output and error of the child go.
     */
    public static Process start(final Path log, final String... args) throws IOException
    {
        return startMain(log, Main.class, args);
    }

    /** Starts {@code main}'s {@code main} method in a JVM of its own. */
    public static Process startMain(final Path log, final Class<?> main, final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        // The module flags this JVM runs with (Agrona's and Chronicle's), as surefire passes them.
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (arg.startsWith("--add-") || arg.startsWith("-Dchronicle."))
            {
                command.add(arg);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path").replace(File.pathSeparator + File.pathSeparator,
            File.pathSeparator));
        command.add(main.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
