package io.vipflow.harness.conntrack;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vipflow.conntrack.ConnState;
import io.vipflow.conntrack.FlowKey;
import io.vipflow.packet.Addresses;
import io.vipflow.packet.PacketTuple;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a dump: one line per live entry, then a summary line. Text lines are
 * {@code PROTO CLIENT FRONTEND backend=ID STATE expires_in=SECONDS age=SECONDS}; JSON Lines objects have
 * {@code proto, client, frontend, backend, state, expires_in, age}, and the summary is
 * {@code {"summary":{"live":N,"expired":N,"states":{STATE:N,...}}}}. Seconds are relative to the dump's "now".
 * Entries already expired but not yet swept are counted, not listed. One thread.
 */
final class DumpWriter implements Closeable
{
    private final long nowNanos;
    private final PrintStream text;
    private final JsonGenerator json;
    private final Map<String, Integer> states = new TreeMap<>();
    private int live;
    private int expired;

    DumpWriter(final OutputStream out, final boolean asJson, final long nowNanos) throws IOException
    {
        this.nowNanos = nowNanos;
        if (asJson)
        {
            this.json = new JsonFactory().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                .createGenerator(out, JsonEncoding.UTF8);
            this.json.setRootValueSeparator(null);
            this.text = null;
        }
        else
        {
            this.json = null;
            this.text = new PrintStream(out, false, StandardCharsets.UTF_8);
        }
    }

    void entry(final FlowKey key, final int backendId, final int state, final long expiryNanos,
        final long createdNanos) throws IOException
    {
        if (expiryNanos - nowNanos <= 0)
        {
            expired++;
            return;
        }
        live++;
        final String stateName = ConnState.name(state);
        states.merge(stateName, 1, Integer::sum);
        final boolean v6 = FlowKey.isIpv6(key.protocol);
        final String proto = protocolName(FlowKey.ipProtocol(key.protocol));
        final String client = Addresses.formatSocket(v6, key.srcHi, key.srcLo, key.srcPort);
        final String frontend = Addresses.formatSocket(v6, key.dstHi, key.dstLo, key.dstPort);
        final String expiresIn = seconds(expiryNanos - nowNanos);
        final String age = seconds(nowNanos - createdNanos);
        if (json == null)
        {
            text.println(proto + ' ' + client + ' ' + frontend + " backend=" + backendId + ' ' + stateName +
                " expires_in=" + expiresIn + " age=" + age);
            return;
        }
        json.writeStartObject();
        json.writeStringField("proto", proto);
        json.writeStringField("client", client);
        json.writeStringField("frontend", frontend);
        json.writeNumberField("backend", backendId);
        json.writeStringField("state", stateName);
        json.writeFieldName("expires_in");
        json.writeNumber(expiresIn);
        json.writeFieldName("age");
        json.writeNumber(age);
        json.writeEndObject();
        json.writeRaw('\n');
    }

    /** Writes the summary line. */
    void summary() throws IOException
    {
        if (json == null)
        {
            final StringBuilder line = new StringBuilder("# live=").append(live).append(" expired=").append(expired);
            states.forEach((name, count) -> line.append(' ').append(name).append('=').append(count));
            text.println(line);
            return;
        }
        json.writeStartObject();
        json.writeObjectFieldStart("summary");
        json.writeNumberField("live", live);
        json.writeNumberField("expired", expired);
        json.writeObjectFieldStart("states");
        for (final Map.Entry<String, Integer> e : states.entrySet())
        {
            json.writeNumberField(e.getKey(), e.getValue());
        }
        json.writeEndObject();
        json.writeEndObject();
        json.writeEndObject();
        json.writeRaw('\n');
    }

    private static String protocolName(final int protocol)
    {
        switch (protocol)
        {
            case PacketTuple.PROTO_TCP: return "TCP";
            case PacketTuple.PROTO_UDP: return "UDP";
            case PacketTuple.PROTO_SCTP: return "SCTP";
            default: return Integer.toString(protocol);
        }
    }

    /** Nanoseconds as seconds with millisecond precision, without the rounding of a double. */
    private static String seconds(final long nanos)
    {
        final long millis = Math.floorDiv(nanos, 1_000_000L);
        final String sign = millis < 0 ? "-" : "";
        final long abs = Math.abs(millis);
        return sign + abs / 1000 + '.' + String.format("%03d", abs % 1000);
    }

    @Override
    public void close() throws IOException
    {
        if (json != null)
        {
            json.close();
        }
        else
        {
            text.flush();
        }
    }
}
