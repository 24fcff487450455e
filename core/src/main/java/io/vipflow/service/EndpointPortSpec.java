package io.vipflow.service;

import java.util.Objects;

/**
 * One entry of an EndpointSlice's {@code ports}: the backend port for the Service port with the same name
 * and protocol.
 *
 * @param name     port name, "" when unnamed
 * @param port     backend port, 1..65535
 * @param protocol TCP, UDP or SCTP
 */
public record EndpointPortSpec(String name, int port, Protocol protocol)
{
    /**
     * The canonical constructor, checking and normalising the components.
     *
     * @param name port name, "" when unnamed
     * @param port backend port, 1..65535
     * @param protocol TCP, UDP or SCTP
     */
    public EndpointPortSpec
    {
        name = name == null ? "" : name;
        Objects.requireNonNull(protocol, "protocol");
        if (port < 1 || port > 65535)
        {
            throw new IllegalArgumentException("endpoint port " + port + " out of range 1..65535");
        }
    }
}
