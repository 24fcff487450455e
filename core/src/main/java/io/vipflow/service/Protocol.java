package io.vipflow.service;

import io.vipflow.packet.PacketTuple;

/** Service port protocols (Kubernetes {@code ServicePort.protocol}), with their IP protocol numbers. */
public enum Protocol
{
    /** TCP, protocol 6. */
    TCP(PacketTuple.PROTO_TCP),
    /** UDP, protocol 17. */
    UDP(PacketTuple.PROTO_UDP),
    /** SCTP, protocol 132. */
    SCTP(PacketTuple.PROTO_SCTP);

    /** IANA protocol number. */
    public final int number;

    Protocol(final int number)
    {
        this.number = number;
    }

    /**
     * Parses the Kubernetes spelling (TCP, UDP, SCTP); null or empty means TCP, the API default.
     *
     * @param text the spelling
     * @return the protocol
     * @throws IllegalArgumentException for any other spelling
     */
    public static Protocol parse(final String text)
    {
        if (text == null || text.isEmpty())
        {
            return TCP;
        }
        switch (text)
        {
            case "TCP": return TCP;
            case "UDP": return UDP;
            case "SCTP": return SCTP;
            default: throw new IllegalArgumentException("unknown protocol '" + text + "' (TCP, UDP or SCTP)");
        }
    }
}
