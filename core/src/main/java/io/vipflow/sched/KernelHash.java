package io.vipflow.sched;

import io.vipflow.packet.Addresses;

import java.nio.charset.StandardCharsets;

/**
 * The hash functions of the IPVS schedulers, bit for bit: {@code hash_32} from {@code include/linux/hash.h}
 * (sh, dh, lblc, lblcr), the address fold of {@code ip_vs_sh_hashkey} and friends, and the 64-bit
 * {@code hsiphash_1u32} from {@code lib/siphash.c} (SipHash-1-3 on 64-bit kernels) used by {@code ip_vs_mh.c}.
 * Stateless; any thread; no allocation except in {@link #destinationKey}.
 */
final class KernelHash
{
    /** {@code GOLDEN_RATIO_32} of {@code include/linux/hash.h}. */
    static final int GOLDEN_RATIO_32 = 0x61C88647;

    private KernelHash()
    {
    }

    /** {@code hash_32(val, bits)}: the top {@code bits} bits of {@code val * GOLDEN_RATIO_32} (32-bit product). */
    static int hash32(final int value, final int bits)
    {
        return (value * GOLDEN_RATIO_32) >>> (32 - bits);
    }

    /**
     * {@code ntohl(addr_fold)}: the IPv4 address as a host-order integer, or the XOR of the four 32-bit words of
     * an IPv6 address, as every IPVS hashing scheduler folds it.
     */
    static int fold(final boolean ipv6, final long hi, final long lo)
    {
        if (!ipv6)
        {
            return (int)lo;
        }
        return (int)(hi >>> 32) ^ (int)hi ^ (int)(lo >>> 32) ^ (int)lo;
    }

    /** {@code hsiphash_1u32(first, key)} on a 64-bit kernel: SipHash-1-3, truncated to 32 bits. */
    static int hsiphash(final long key0, final long key1, final int first)
    {
        return (int)sipHash(key0, key1, (4L << 56) | (first & 0xFFFF_FFFFL), 1, 3);
    }

    /**
     * SipHash of a message shorter than 8 bytes whose last block (length in the top byte, bytes little-endian
     * below) is {@code lastBlock}, with {@code c} compression and {@code d} finalisation rounds.
     */
    static long sipHash(final long key0, final long key1, final long lastBlock, final int c, final int d)
    {
        long v0 = 0x736f6d6570736575L ^ key0;
        long v1 = 0x646f72616e646f6dL ^ key1;
        long v2 = 0x6c7967656e657261L ^ key0;
        long v3 = 0x7465646279746573L ^ key1;
        v3 ^= lastBlock;
        for (int r = 0; r < c + d; r++)
        {
            if (r == c)
            {
                v0 ^= lastBlock;
                v2 ^= 0xff;
            }
            v0 += v1;
            v1 = Long.rotateLeft(v1, 13);
            v1 ^= v0;
            v0 = Long.rotateLeft(v0, 32);
            v2 += v3;
            v3 = Long.rotateLeft(v3, 16);
            v3 ^= v2;
            v0 += v3;
            v3 = Long.rotateLeft(v3, 21);
            v3 ^= v0;
            v2 += v1;
            v1 = Long.rotateLeft(v1, 17);
            v1 ^= v2;
            v2 = Long.rotateLeft(v2, 32);
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }

    /**
     * {@code ntohs(port) + ntohl(addr_fold)} for a destination named {@code address:port} or {@code [v6]:port}, the
     * value IPVS mh hashes to place a destination. A name that is not a socket address (a test's "A") is folded
     * from its bytes with port 0, so that every name still has a stable place. Control plane only (allocates).
     */
    static int destinationKey(final String name)
    {
        final int colon = name.lastIndexOf(':');
        if (colon > 0 && colon < name.length() - 1)
        {
            try
            {
                final int port = Integer.parseInt(name.substring(colon + 1));
                String host = name.substring(0, colon);
                if (host.startsWith("[") && host.endsWith("]"))
                {
                    host = host.substring(1, host.length() - 1);
                }
                final long[] a = Addresses.parse(host);
                if (port >= 0 && port <= 65535)
                {
                    return port + fold(a[2] == 6, a[0], a[1]);
                }
            }
            catch (final IllegalArgumentException ex)
            {
                // not a socket address: fall through to the byte fold
            }
        }
        int h = 0;
        for (final byte b : name.getBytes(StandardCharsets.UTF_8))
        {
            h = h * 31 + (b & 0xFF);
        }
        return h;
    }
}
