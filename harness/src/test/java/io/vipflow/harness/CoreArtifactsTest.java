package io.vipflow.harness;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The published core artifacts, as {@code mvn verify} packages them before this module's tests run: the jar is a
 * module named {@code io.vipflow.core} on the module path, and sources and javadoc jars come with it. Skipped when
 * only the test phase ran (no jars yet).
 */
class CoreArtifactsTest
{
    private static final Path TARGET = Path.of("../core/target");

    private static Path artifact(final String classifier) throws IOException
    {
        if (!Files.isDirectory(TARGET))
        {
            return null;
        }
        try (Stream<Path> files = Files.list(TARGET))
        {
            final List<Path> jars = files.filter(p -> p.getFileName().toString().matches(
                "vipflow-core-[0-9][^-]*(-SNAPSHOT)?" + (classifier.isEmpty() ? "" : "-" + classifier) + "\\.jar"))
                .toList();
            return jars.size() == 1 ? jars.get(0) : null;
        }
    }

    @Test
    void coreJarIsTheModuleIoVipflowCore() throws IOException
    {
        final Path jar = artifact("");
        assumeTrue(jar != null, "core not packaged");
        final List<String> names = ModuleFinder.of(jar).findAll().stream()
            .map(ModuleReference::descriptor).map(d -> d.name()).toList();
        assertEquals(List.of("io.vipflow.core"), names);
    }

    @Test
    void sourcesAndJavadocJarsComeWithIt() throws IOException
    {
        final Path sources = artifact("sources");
        final Path javadoc = artifact("javadoc");
        assumeTrue(artifact("") != null, "core not packaged");
        assertNotNull(sources, "sources jar");
        assertNotNull(javadoc, "javadoc jar");
        try (ZipFile s = new ZipFile(sources.toFile()); ZipFile j = new ZipFile(javadoc.toFile()))
        {
            assertNotNull(s.getEntry("io/vipflow/Classifier.java"));
            // The javadoc tool files pages under the module's name when the jar has one.
            assertTrue(hasEntry(j, "io/vipflow/Classifier.html"), "Classifier's page");
            assertTrue(hasEntry(j, "io/vipflow/service/ServiceSpecBuilder.html"), "ServiceSpecBuilder's page");
        }
    }

    private static boolean hasEntry(final ZipFile zip, final String path)
    {
        return zip.stream().anyMatch(e -> e.getName().equals(path) || e.getName().endsWith("/" + path));
    }
}
