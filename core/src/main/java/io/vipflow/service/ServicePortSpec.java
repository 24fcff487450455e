package io.vipflow.service;

import java.util.Objects;

/**
 * One entry of {@code spec.ports}.
 *
 * @param name     port name, "" when unnamed (matches the unnamed EndpointSlice port)
 * @param port     the Service port, 1..65535
 * @param protocol TCP, UDP or SCTP
 * @param nodePort the node port, 0 when none
 */
public record ServicePortSpec(String name, int port, Protocol protocol, int nodePort)
{
    /**
     * Checks the port numbers.
     *
     * @param name port name, "" when unnamed (matches the unnamed EndpointSlice port)
     * @param port the Service port, 1..65535
     * @param protocol TCP, UDP or SCTP
     * @param nodePort the node port, 0 when none
     * @throws IllegalArgumentException when a port is out of range
     */
    public ServicePortSpec
    {
        name = name == null ? "" : name;
        Objects.requireNonNull(protocol, "protocol");
        if (port < 1 || port > 65535)
        {
            throw new IllegalArgumentException("port " + port + " out of range 1..65535");
        }
        if (nodePort < 0 || nodePort > 65535)
        {
            throw new IllegalArgumentException("nodePort " + nodePort + " out of range 0..65535");
        }
    }
}
