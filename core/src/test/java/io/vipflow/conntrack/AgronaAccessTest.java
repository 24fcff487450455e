package io.vipflow.conntrack;

import io.vipflow.Classifier;
import io.vipflow.ClassifierConfig;
import io.vipflow.service.ControlPlane;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JVM started without the option Agrona needs gets, when it builds a classifier, an exception that names the
 * option, instead of an {@link IllegalAccessError} from inside Agrona. The test JVM has the option, so each case
 * starts a JVM of its own.
 */
class AgronaAccessTest
{
    /** Builds a classifier as the README does; prints the exception's message and exits 3 if that fails. */
    public static final class Probe
    {
        public static void main(final String[] args)
        {
            try
            {
                new Classifier(new ControlPlane("node-1", List.of("192.168.1.11"), "maglev", 0),
                    ClassifierConfig.defaults().withConnectionCapacity(64)).close();
                System.out.println("built");
            }
            catch (final IllegalStateException ex)
            {
                System.out.println(ex.getClass().getSimpleName() + ": " + ex.getMessage());
                System.exit(3);
            }
        }
    }

    private static String[] run(final String... jvmOptions) throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Probe.class.getName()));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        return new String[] {Integer.toString(process.exitValue()), out};
    }

    @Test
    void withoutTheOptionTheExceptionNamesIt() throws Exception
    {
        final String[] result = run();
        assertEquals("3", result[0], result[1]);
        assertTrue(result[1].startsWith("IllegalStateException: vipflow-core needs the JVM option " +
            "'--add-exports java.base/jdk.internal.misc=ALL-UNNAMED'"), result[1]);
        assertTrue(result[1].contains("argLine"), result[1]);
    }

    @Test
    void withTheOptionTheClassifierIsBuilt() throws Exception
    {
        final String[] result = run("--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED");
        assertEquals("0", result[0], result[1]);
        assertEquals("built", result[1].strip());
    }
}
