package io.vipflow.harness.gen;

import io.vipflow.service.Protocol;

import java.util.Objects;

/**
 * One port of a generated Service: the Service port and the container port its pods listen on.
 * <p>
 * Thread contract: immutable.
 *
 * @param name       port name (Service and EndpointSlice ports are matched by it).
 * @param port       Service port, 1..65535.
 * @param targetPort container port, 1..65535.
 * @param protocol   TCP, UDP or SCTP.
 */
public record PortShape(String name, int port, int targetPort, Protocol protocol)
{
    public PortShape
    {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(protocol, "protocol");
        if (port < 1 || port > 65535 || targetPort < 1 || targetPort > 65535)
        {
            throw new IllegalArgumentException("port " + port + " / targetPort " + targetPort + " out of 1..65535");
        }
    }
}
