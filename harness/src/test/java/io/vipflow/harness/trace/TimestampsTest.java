package io.vipflow.harness.trace;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimestampsTest
{
    @Test
    void decimalResolutions()
    {
        assertEquals(5_000_000_000L, Timestamps.toNanos(5, 0, 0));
        assertEquals(5_000L, Timestamps.toNanos(5, 6, 0));
        assertEquals(5L, Timestamps.toNanos(5, 9, 0));
        assertEquals(1L, Timestamps.toNanos(1999, 12, 0), "finer units truncate");
        assertEquals(1L, Timestamps.toNanos(1_000_000_000L, 18, 0));
        assertEquals(Long.divideUnsigned(-1L, 1000), Timestamps.toNanos(-1L, 12, 0), "ticks are unsigned");
    }

    @Test
    void binaryResolutions()
    {
        assertEquals(3_000_000_000L, Timestamps.toNanos(3, 0x80, 0));
        assertEquals(1_500_000_000L, Timestamps.toNanos(3, 0x81, 0));
        assertEquals(500_000_000L, Timestamps.toNanos(1L << 19, 0x80 | 20, 0));
        assertEquals(500_000_000L, Timestamps.toNanos(1L << 62, 0x80 | 63, 0));
        assertEquals(999_999_999L, Timestamps.toNanos(-1L >>> 1, 0x80 | 63, 0), "just under one second");
        assertEquals(2_500_000_000L, Timestamps.toNanos((1L << 33) | (1L << 31), 0x80 | 32, 0));
    }

    @Test
    void offsetIsAddedInSeconds()
    {
        assertEquals(10_000_000_007L, Timestamps.toNanos(7, 9, 10));
        assertEquals(-9_999_999_993L, Timestamps.toNanos(7, 9, -10));
    }

    @Test
    void overflowIsRefusedNotWrapped()
    {
        assertThrows(ArithmeticException.class, () -> Timestamps.toNanos(10_000_000_000L, 0, 0));
        assertThrows(ArithmeticException.class, () -> Timestamps.toNanos(-1L, 9, 0));
        assertThrows(ArithmeticException.class, () -> Timestamps.toNanos(-1L, 0x80, 0));
        assertThrows(ArithmeticException.class, () -> Timestamps.toNanos(1, 9, Long.MAX_VALUE / 1000));
    }

    @Test
    void supportedResolutions()
    {
        assertTrue(Timestamps.isSupported(0));
        assertTrue(Timestamps.isSupported(18));
        assertFalse(Timestamps.isSupported(19));
        assertTrue(Timestamps.isSupported(0x80 | 63));
        assertFalse(Timestamps.isSupported(0x80 | 64));
        assertFalse(Timestamps.isSupported(0xFF));
    }
}
