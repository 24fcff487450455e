/**
 * Frame parsing: {@link io.vipflow.packet.FrameParser} reads the link header, IPv4 or IPv6 (options and extension
 * headers included) and the TCP, UDP or SCTP ports and flags of a captured frame into a
 * {@link io.vipflow.packet.PacketTuple}, allocation-free, from a buffer on or off the heap. A malformed or truncated
 * frame is a status, never an exception. Stateless apart from the tuple each thread owns.
 */
package io.vipflow.packet;
