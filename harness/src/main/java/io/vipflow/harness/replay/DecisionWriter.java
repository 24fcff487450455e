package io.vipflow.harness.replay;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vipflow.Decision;
import io.vipflow.Reason;
import io.vipflow.Verdict;
import io.vipflow.packet.Addresses;
import io.vipflow.packet.PacketTuple;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;

/**
 * Writes one JSON object per packet (JSON Lines) in the replay decision schema:
 * {@code index, time, proto, src, dst, verdict, service, backend, flow, masquerade, reason}; a backend's reply on a tracked
 * flow has verdict {@code REPLY} with {@code backend} and the {@code frontend} its source is rewritten to. One
 * thread.
 */
public final class DecisionWriter implements Closeable
{
    private final JsonGenerator json;

    public DecisionWriter(final OutputStream out) throws IOException
    {
        this.json = new JsonFactory().createGenerator(out, JsonEncoding.UTF8);
        json.setRootValueSeparator(null);
    }

    /**
     * @param parsed false when the frame could not be parsed: the tuple is then unknown and not printed
     */
    public void write(final long index, final long timeNanos, final boolean parsed, final Decision d)
        throws IOException
    {
        final PacketTuple t = d.tuple;
        json.writeStartObject();
        json.writeNumberField("index", index);
        json.writeFieldName("time");
        json.writeNumber(epochSeconds(timeNanos));
        json.writeStringField("proto", parsed ? t.protocolName() : "OTHER");
        if (parsed)
        {
            json.writeStringField("src", endpoint(t, true));
            json.writeStringField("dst", endpoint(t, false));
        }
        json.writeStringField("verdict", d.verdict().name());
        if (d.servicePort() != null)
        {
            json.writeStringField("service", d.servicePort().label);
        }
        if (d.verdict() == Verdict.DNAT)
        {
            json.writeStringField("backend", d.backend().name);
            json.writeStringField("flow", d.newFlow() ? "NEW" : "ESTABLISHED");
            json.writeBooleanField("masquerade", d.masquerade());
        }
        else if (d.verdict() == Verdict.REPLY)
        {
            json.writeStringField("backend", d.backend().name);
            json.writeStringField("frontend", Addresses.formatSocket(d.frontend().ipv6, d.frontend().addrHi,
                d.frontend().addrLo, d.frontend().port));
        }
        if (d.reason() != Reason.NONE)
        {
            json.writeStringField("reason", d.reason().label);
        }
        json.writeEndObject();
        json.writeRaw('\n');
    }

    /** Seconds with microsecond digits, or nanosecond digits when the capture has them. */
    static BigDecimal epochSeconds(final long nanos)
    {
        final BigDecimal seconds = BigDecimal.valueOf(nanos, 9);
        return nanos % 1000 == 0 ? seconds.setScale(6) : seconds;
    }

    /** {@code addr:port}, {@code [v6]:port}; protocols without ports print the address alone. */
    static String endpoint(final PacketTuple t, final boolean source)
    {
        final long hi = source ? t.srcHi : t.dstHi;
        final long lo = source ? t.srcLo : t.dstLo;
        final int port = source ? t.srcPort : t.dstPort;
        final boolean ports = t.protocol == PacketTuple.PROTO_TCP || t.protocol == PacketTuple.PROTO_UDP ||
            t.protocol == PacketTuple.PROTO_SCTP;
        return ports ? Addresses.formatSocket(t.ipv6, hi, lo, port) : Addresses.format(t.ipv6, hi, lo);
    }

    /** Pushes buffered lines to the stream, for a reader following the output live. */
    public void flush() throws IOException
    {
        json.flush();
    }

    @Override
    public void close() throws IOException
    {
        json.close();
    }
}
