package io.vipflow.conntrack;

import org.agrona.DirectBuffer;

/**
 * Whether the JVM lets Agrona reach {@code jdk.internal.misc.Unsafe}. Agrona 2.x needs
 * {@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED} (or {@code =org.agrona} when Agrona is on the
 * module path); without it the first off-heap buffer fails deep inside Agrona with an {@link IllegalAccessError}
 * that does not say what to do. Tables check this when they are created, never per packet.
 * <p>
 * Thread contract: stateless apart from a constant computed when the class loads; any thread.
 */
final class AgronaAccess
{
    /** The JVM option Agrona needs, for the module Agrona is in. */
    static final String FLAG = "--add-exports java.base/jdk.internal.misc=" + target(DirectBuffer.class.getModule());

    private static final boolean EXPORTED =
        Object.class.getModule().isExported("jdk.internal.misc", DirectBuffer.class.getModule());

    private AgronaAccess()
    {
    }

    /**
     * @throws IllegalStateException naming the missing JVM option and where to add it, when it is missing.
     */
    static void require()
    {
        if (!EXPORTED)
        {
            throw new IllegalStateException(message(FLAG));
        }
    }

    static String message(final String flag)
    {
        return "vipflow-core needs the JVM option '" + flag + "' (its off-heap tables use Agrona, which reads " +
            "jdk.internal.misc.Unsafe): add it to the java command line, to the test plugin's argLine " +
            "(Maven Surefire) or jvmArgs (Gradle), or, for an executable jar, as the manifest entry " +
            "'Add-Exports: java.base/jdk.internal.misc'";
    }

    private static String target(final Module agrona)
    {
        return agrona.isNamed() ? agrona.getName() : "ALL-UNNAMED";
    }
}
