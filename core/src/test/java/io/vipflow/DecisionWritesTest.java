package io.vipflow;

import io.vipflow.packet.PacketTuple;
import io.vipflow.service.Backend;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a packet writes into its {@link Decision}: established packets of one frontend, each to another backend, leave
 * every reference field of the decision as it was. Only primitive fields change from packet to packet, because under
 * G1 a reference store into a long-lived decision can cost a full fence (see the field comment in {@code Decision}).
 * The accessors still return the very objects the classifier chose.
 */
class DecisionWritesTest
{
    /** Every reference-typed instance field of a decision, its own and none of the scratch objects it holds. */
    private static List<Field> referenceFields()
    {
        final List<Field> fields = new ArrayList<>();
        for (final Field f : Decision.class.getDeclaredFields())
        {
            if (!Modifier.isStatic(f.getModifiers()) && !f.getType().isPrimitive())
            {
                f.setAccessible(true);
                fields.add(f);
            }
        }
        return fields;
    }

    private static List<Object> values(final List<Field> fields, final Decision d) throws IllegalAccessException
    {
        final List<Object> v = new ArrayList<>();
        for (final Field f : fields)
        {
            v.add(f.get(d));
        }
        return v;
    }

    @Test
    void establishedPacketsToOtherBackendsChangeNoReferenceField() throws IllegalAccessException
    {
        final TestCluster c = TestCluster.web(4096, "10.244.0.1", "10.244.0.2", "10.244.0.3", "10.244.0.4");
        final Decision d = new Decision();
        final PacketTuple t = new PacketTuple();
        final int flows = 64;
        final Backend[] chosen = new Backend[flows];
        for (int i = 0; i < flows; i++)
        {
            t.setIpv4(PacketTuple.PROTO_TCP, 0x0a010000 + i, 40000, 0x0a60000a, 80, PacketTuple.TCP_SYN);
            c.classifier.classify(t, 1_000_000L, d);
            assertEquals(Verdict.DNAT, d.verdict());
            chosen[i] = d.backend();
        }
        final Set<String> backends = new HashSet<>();
        for (final Backend b : chosen)
        {
            backends.add(b.name);
        }
        assertTrue(backends.size() > 1, "the flows must reach several backends for the test to mean anything");

        final List<Field> fields = referenceFields();
        // One established packet first, so that the frontend and traffic fields hold this frontend's.
        t.setIpv4(PacketTuple.PROTO_TCP, 0x0a010000, 40000, 0x0a60000a, 80, PacketTuple.TCP_ACK);
        c.classifier.classify(t, 2_000_000L, d);
        final List<Object> before = values(fields, d);
        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < flows; i++)
            {
                t.setIpv4(PacketTuple.PROTO_TCP, 0x0a010000 + i, 40000, 0x0a60000a, 80, PacketTuple.TCP_ACK);
                c.classifier.classify(t, 3_000_000L, d);
                assertEquals(Verdict.DNAT, d.verdict());
                assertSame(chosen[i], d.backend(), "the accessor returns the backend the flow was given");
                assertNotNull(d.servicePort());
                assertEquals(before, values(fields, d), "a reference field changed");
            }
        }
        c.classifier.close();
    }
}
