package io.vipflow.restart;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running a main class from the test classpath, with this JVM's module flags (Agrona's and
 * Chronicle's), whose standard output is read line by line with a deadline. Used by one test thread; close it in
 * a finally block so that no child outlives the test.
 */
final class ChildJvm implements AutoCloseable
{
    private static final String END = "\u0000end";

    private final Process process;
    private final Path stderr;
    private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(1 << 20);

    ChildJvm(final Class<?> mainClass, final Path workDir, final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(moduleFlags());
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        stderr = workDir.resolve(mainClass.getSimpleName() + ".stderr");
        process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        final Thread reader = new Thread(this::pump, mainClass.getSimpleName() + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /** The --add-opens/--add-exports and -Dchronicle.* flags this JVM was started with. */
    private static List<String> moduleFlags()
    {
        final List<String> flags = new ArrayList<>();
        final List<String> in = ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (int i = 0; i < in.size(); i++)
        {
            final String arg = in.get(i);
            if (arg.equals("--add-opens") || arg.equals("--add-exports"))
            {
                flags.add(arg);
                flags.add(in.get(++i));
            }
            else if (arg.startsWith("--add-opens=") || arg.startsWith("--add-exports=") ||
                arg.startsWith("-Dchronicle."))
            {
                flags.add(arg);
            }
        }
        return flags;
    }

    private void pump()
    {
        try (BufferedReader in = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = in.readLine()) != null)
            {
                lines.put(line);
            }
        }
        catch (final IOException | InterruptedException ignored)
        {
            // The child was killed or the test is over: either way there is nothing more to read.
        }
        lines.offer(END);
    }

    /** The next line of the child's output, or null if it ended or the deadline (epoch millis) passed. */
    String nextLine(final long deadlineMillis) throws InterruptedException
    {
        final long wait = deadlineMillis - System.currentTimeMillis();
        final String line = wait <= 0 ? lines.poll() : lines.poll(wait, TimeUnit.MILLISECONDS);
        return line == null || line.equals(END) ? null : line;
    }

    /** Kills the child with SIGKILL and returns its exit code. */
    int kill() throws InterruptedException
    {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS))
        {
            throw new AssertionError("child did not die within 10 s of SIGKILL");
        }
        return process.exitValue();
    }

    boolean isAlive()
    {
        return process.isAlive();
    }

    /** What the child wrote on standard error, for failure messages. */
    String stderr()
    {
        try
        {
            return Files.exists(stderr) ? Files.readString(stderr) : "";
        }
        catch (final IOException ex)
        {
            return "(unreadable: " + ex + ")";
        }
    }

    @Override
    public void close() throws InterruptedException
    {
        if (process.isAlive())
        {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
