package io.vipflow.harness.sim;

import io.vipflow.harness.CliRun;
import io.vipflow.harness.Main;
import io.vipflow.harness.k8s.ChurnReader;
import io.vipflow.harness.k8s.KubeObjectReader;
import io.vipflow.harness.report.RunReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulateCommandTest
{
    @TempDir
    Path dir;

    private static CliRun cli(final String... args)
    {
        return CliRun.of(args);
    }

    @Test
    void simulatesAShippedScenarioAndWritesEveryFile() throws Exception
    {
        final Path summary = dir.resolve("summary.txt");
        final Path json = dir.resolve("run.json");
        final Path html = dir.resolve("report.html");
        final CliRun run = cli("simulate", "--scenario", "node-failure", "--schedulers", "maglev,rr", "--packets",
            "15000", "--workers", "2", "--summary", summary.toString(), "--json", json.toString(), "--report",
            html.toString(), "--decisions", dir.resolve("d.jsonl").toString(), "--no-progress");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("oracle violations"), run.out());
        assertTrue(run.out().contains("maglev") && run.out().contains("rr"), run.out());
        final RunReport report = RunReport.fromJson(Files.readString(json));
        assertEquals("node-failure", report.scenario());
        assertEquals(2, report.runs().size());
        assertTrue(Files.readString(summary).contains("[maglev]"));
        assertTrue(Files.size(html) > 10_000);
        assertTrue(Files.exists(dir.resolve("d-maglev.jsonl")) && Files.exists(dir.resolve("d-rr.jsonl")));
    }

    @Test
    void fleetOptionAddsAnInstanceHalfWay() throws Exception
    {
        final Path json = dir.resolve("fleet.json");
        final CliRun run = cli("simulate", "--scenario", "crash-loop", "--schedulers", "maglev", "--fleet", "2",
            "--packets", "8000", "--json", json.toString(), "--kube-objects", dir.toString(), "--no-progress");
        assertEquals(0, run.code(), run.err());
        final RunReport report = RunReport.fromJson(Files.readString(json));
        assertTrue(report.churn().stream().anyMatch(m -> m.description().contains("balancer instance added")));
        assertEquals(2, KubeObjectReader.read(dir.resolve("cluster.json")).services().size());
        assertTrue(ChurnReader.read(dir.resolve("churn.jsonl")).size() > 10, "the crash loop's slice updates");
    }

    @Test
    void badInputEndsWithOneLineAndExitCodeTwo() throws Exception
    {
        final CliRun unknown = cli("simulate", "--scenario", "no-such-scenario");
        assertEquals(Main.EXIT_BAD_INPUT, unknown.code());
        assertTrue(unknown.err().contains("not a shipped scenario"), unknown.err());

        final Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "name: x\ndurationSeconds: -3\ncluster: {nodes: 1}\n");
        final CliRun invalid = cli("simulate", "--scenario", bad.toString());
        assertEquals(Main.EXIT_BAD_INPUT, invalid.code());
        assertTrue(invalid.err().startsWith("vipflow: bad.yaml: line 2, column 18: durationSeconds: -3 out of range"),
            invalid.err());

        final CliRun scheduler = cli("simulate", "--scenario", "crash-loop", "--schedulers", "fastest");
        assertEquals(Main.EXIT_BAD_INPUT, scheduler.code());
        assertTrue(scheduler.err().contains("unknown scheduler 'fastest'"), scheduler.err());
    }

    @Test
    void demoRunsTheRollingUpdateWithItsReport() throws Exception
    {
        final Path html = dir.resolve("demo.html");
        final CliRun run = cli("demo", "--packets", "6000", "--report", html.toString(), "--no-progress");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("rolling-update-50"), run.out());
        assertTrue(run.out().contains("wlc"), run.out());
        assertTrue(Files.size(html) > 10_000);
    }
}
