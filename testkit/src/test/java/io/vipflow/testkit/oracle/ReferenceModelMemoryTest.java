package io.vipflow.testkit.oracle;

import org.junit.jupiter.api.Test;

import static io.vipflow.testkit.oracle.OracleFixtures.SECOND;
import static io.vipflow.testkit.oracle.OracleFixtures.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The model forgets expired connection records, so a long run with the oracle on holds a bounded number of them
 * (at most about twice the live ones, or the floor), as the classifier's sweeper keeps its table: a record count
 * checked over simulated time, not a timing.
 */
class ReferenceModelMemoryTest
{
    @Test
    void expiredRecordsAreForgottenAndLiveOnesKept()
    {
        final ReferenceModel m = ReferenceModelTest.webModel(io.vipflow.MidFlowPolicy.SCHEDULE,
            io.vipflow.RemovedBackendPolicy.DROP);
        final int flows = 100_000;
        final long spacing = 100_000_000L;
        int maxHeld = 0;
        for (int i = 0; i < flows; i++)
        {
            final long now = i * spacing;
            final String client = "10.1." + (i >>> 16 & 0xFF) + "." + (i >>> 8 & 0xFF);
            ReferenceModelTest.send(m, udp(client, 1024 + (i & 0xFF), ReferenceModelTest.VIP, 53), now);
            maxHeld = Math.max(maxHeld, m.heldRecords());
        }
        final long end = (flows - 1) * spacing;
        final int live = m.liveConnections(end);
        assertTrue(live > 1000 && live < flows / 4, "UDP flows expire over the run: " + live);
        // Without forgetting, every flow would still be held; with it, the count stays within the bound.
        final long bound = Math.max(ConnectionRecords.PURGE_FLOOR, 2L * live) + 2L * live;
        assertTrue(maxHeld <= bound && bound < flows, "held at most " + maxHeld + " records, bound " + bound +
            ", flows " + flows);
        // A flow still alive keeps its record and its backend.
        final String lastClient = "10.1." + ((flows - 1) >>> 16 & 0xFF) + "." + ((flows - 1) >>> 8 & 0xFF);
        final Expectation again = m.expect(udp(lastClient, 1024 + ((flows - 1) & 0xFF), ReferenceModelTest.VIP,
            53), end + SECOND);
        assertEquals(false, again.newFlow(), again.toString());
    }
}
