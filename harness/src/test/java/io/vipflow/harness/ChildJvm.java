package io.vipflow.harness;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts {@code vipflow} in a JVM of its own with this test's class path, for what only a separate process
 * shows: signals, shutdown hooks and the exit code of {@link Main#main}.
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
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("--add-exports");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        command.add("-cp");
        command.add(System.getProperty("java.class.path").replace(File.pathSeparator + File.pathSeparator,
            File.pathSeparator));
        command.add(Main.class.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
