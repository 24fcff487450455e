package io.vipflow.packet;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AddressesIpv4Test
{
    @Test
    void parsesDottedQuads()
    {
        assertEquals(0x0A600001, Addresses.parseIpv4("10.96.0.1"));
        assertEquals(0xFFFFFFFF, Addresses.parseIpv4("255.255.255.255"));
        assertEquals(0, Addresses.parseIpv4("0.0.0.0"));
    }

    @Test
    void refusesWhatIsNotADottedQuad()
    {
        for (final String bad : new String[] {"", "1.2.3", "1.2.3.4.5", "1.2.3.", ".1.2.3", "1..2.3", "01.2.3.4",
            "256.1.1.1", "1.2.3.1000", "1.2.3.a", "1.2.3.4 ", "-1.2.3.4", "1.2.3.\u0664", "1,2.3.4"})
        {
            assertThrows(IllegalArgumentException.class, () -> Addresses.parseIpv4(bad), bad);
        }
    }
}
