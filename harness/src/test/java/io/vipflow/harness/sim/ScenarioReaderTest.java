package io.vipflow.harness.sim;

import io.vipflow.harness.gen.ChurnAction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScenarioReaderTest
{
    private static final String GOOD = String.join("\n",
        "name: tiny",
        "durationSeconds: 30",
        "schedulers: [maglev, rr]",
        "cluster:",
        "  nodes: 3",
        "  services:",
        "    - name: web",
        "      replicas: 4",
        "      families: [IPv4, IPv6]",
        "      ports:",
        "        - {name: http, port: 80, targetPort: 8080}",
        "churn:",
        "  - at: 5",
        "    rollingUpdate: {service: web, maxSurge: 1, maxUnavailable: 0}",
        "  - at: 10",
        "    nodeFailure: {node: 2}",
        "traffic:",
        "  packetsPerSecond: 100",
        "  attacks:",
        "    - synFlood: {from: 1, to: 2, service: web}",
        "fleet: {instances: 2, change: add, at: 15}",
        "");

    @Test
    void readsEveryPart() throws Exception
    {
        final Scenario s = ScenarioReader.parse("tiny.yaml", GOOD);
        assertEquals("tiny", s.name());
        assertEquals(1, s.seed(), "default seed");
        assertEquals(30, s.durationSeconds());
        assertEquals(3, s.cluster().nodes());
        assertTrue(s.cluster().services().get(0).ipv6());
        assertEquals(new ChurnAction.RollingUpdate(5, "web", new ChurnAction.Amount(1, false),
            new ChurnAction.Amount(0, false)), s.churn().get(0));
        assertEquals(new ChurnAction.NodeFailure(10, 2, 0), s.churn().get(1));
        assertEquals(100, s.traffic().packetsPerSecond());
        assertEquals(1, s.traffic().attacks().size());
        assertEquals(new FleetPlan(2, 1, 15), s.fleet());
    }

    @Test
    void loadsShippedScenariosByName() throws Exception
    {
        for (final String name : ScenarioReader.SHIPPED)
        {
            assertEquals(name, ScenarioReader.load(name).name());
        }
        assertEquals("crash-loop", ScenarioReader.load("crash-loop.yaml").name());
        final IOException ex = assertThrows(IOException.class, () -> ScenarioReader.load("nope"));
        assertTrue(ex.getMessage().startsWith("nope: no such file"), ex.getMessage());
        assertTrue(ex.getMessage().contains("rolling-update-50"), ex.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "'schedulers: [maglev, rr]'|'schedulers: [maglev, fastest]'|3|schedulers[1]: unknown scheduler 'fastest'",
        "'nodeFailure: {node: 2}'|'nodeFailure: {node: 9}'|16|churn[1].nodeFailure.node: 9 out of range 1..3",
        "'nodes: 3'|'nodes: three'|5|cluster.nodes: 'three' is not a whole number",
        "'durationSeconds: 30'|'durationSeconds: 30\nspeed: 3'|3|speed: unknown field",
        "'{service: web, maxSurge: 1, maxUnavailable: 0}'|'{service: api}'|14|" +
            "churn[0].rollingUpdate.service: no Service 'api'",
        "'maxSurge: 1, maxUnavailable: 0'|'maxSurge: 0, maxUnavailable: 0'|14|" +
            "churn[0].rollingUpdate.maxUnavailable: may not be 0",
        "'{from: 1, to: 2, service: web}'|'{from: 3, to: 2}'|20|" +
            "traffic.attacks[0].synFlood.to: must be later than from",
        "'targetPort: 8080}'|'protocol: QUIC}'|11|cluster.services[0].ports[0].protocol: unknown protocol 'QUIC'",
        "'fleet: {instances: 2, change: add, at: 15}'|'fleet: {instances: 1, change: remove}'|21|" +
            "fleet.change: removing an instance needs at least 2",
        "'name: tiny'|'name: [tiny'|0|not valid YAML"})
    void errorsNameTheFieldAndItsPosition(final String from, final String to, final int line, final String expected)
    {
        final String text = GOOD.replace(from, to.replace("\\n", "\n"));
        final Exception ex = assertThrows(Exception.class, () -> ScenarioReader.parse("bad.yaml", text));
        assertInstanceOf(ScenarioFormatException.class, ex);
        final ScenarioFormatException e = (ScenarioFormatException)ex;
        assertTrue(e.getMessage().startsWith("bad.yaml: line "), e.getMessage());
        assertTrue(e.getMessage().contains(": " + expected), e.getMessage());
        if (line > 0)
        {
            assertEquals(line, e.getLine(), e.getMessage());
            assertTrue(e.getMessage().startsWith("bad.yaml: line " + line + ", column " + e.getColumn() + ": "));
        }
    }
}
