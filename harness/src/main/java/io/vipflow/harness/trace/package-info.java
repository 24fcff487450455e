/**
 * Reading packet captures: classic pcap (microsecond or nanosecond timestamps, either byte order) and pcapng, told
 * apart by their magic number, read sequentially through one fixed window so that memory does not grow with the
 * file. A malformed or truncated file raises a {@code TraceFormatException} naming the file and the byte offset.
 */
package io.vipflow.harness.trace;
