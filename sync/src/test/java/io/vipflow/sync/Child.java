package io.vipflow.sync;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A JVM running a main class of the test classpath with this JVM's {@code --add-exports} flags (Agrona needs them in
 * every JVM); its standard output is collected line by line on a daemon thread. Closing kills it (SIGKILL).
 */
final class Child implements AutoCloseable
{
    private final Process process;
    private final Path stderr;
    final List<String> lines = new CopyOnWriteArrayList<>();

    Child(final Class<?> main, final Path stderr, final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        final List<String> in = ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (int i = 0; i < in.size(); i++)
        {
            if (in.get(i).equals("--add-exports") && i + 1 < in.size())
            {
                command.add(in.get(i));
                command.add(in.get(++i));
            }
            else if (in.get(i).startsWith("--add-exports="))
            {
                command.add(in.get(i));
            }
        }
        command.addAll(List.of("-Xmx128m", "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        this.stderr = stderr;
        process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        final Thread pump = new Thread(() ->
        {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)))
            {
                for (String line; (line = r.readLine()) != null; )
                {
                    lines.add(line);
                }
            }
            catch (final IOException ignored)
            {
                // The child was killed.
            }
        }, "child-stdout");
        pump.setDaemon(true);
        pump.start();
    }

    /** The CPU time the child has used so far, nanoseconds (0 where the platform does not tell). */
    long cpuNanos()
    {
        return process.toHandle().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
    }

    /** What the child wrote to standard error so far, for failure messages. */
    String stderr()
    {
        try
        {
            return java.nio.file.Files.readString(stderr);
        }
        catch (final IOException e)
        {
            return e.toString();
        }
    }

    /** Sends SIGKILL (on Unix, {@link Process#destroyForcibly}) and waits for the process to end. */
    void kill() throws InterruptedException
    {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close()
    {
        process.destroyForcibly();
    }
}
