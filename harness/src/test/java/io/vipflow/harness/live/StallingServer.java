package io.vipflow.harness.live;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * An HTTP server on 127.0.0.1 that answers some requests with an empty list and, for the others, sends the
 * response headers and then never the body: the failure a hung API server or a stuck proxy shows.
 */
final class StallingServer implements AutoCloseable
{
    private final ServerSocket socket;
    private final Function<String, Reply> reply;

    /** How the server answers one request. */
    enum Reply
    {
        /** A complete, empty list of the requested kind. */
        LIST,
        /** The response headers, then never the body. */
        STALL,
        /** {@code 410 Gone}: the resource version is too old, so an informer lists again. */
        GONE,
        /** A watch accepted (the WebSocket upgrade), idle for a second, then its connection closed. */
        WATCH_THEN_CLOSE
    }
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    /** @param answered given the request line, true when it gets a complete empty list; the others stall. */
    StallingServer(final Predicate<String> answered) throws IOException
    {
        this((Function<String, Reply>)request -> answered.test(request) ? Reply.LIST : Reply.STALL, 0);
    }

    /** @param reply given the request line, how to answer it. */
    static StallingServer replying(final Function<String, Reply> reply) throws IOException
    {
        return new StallingServer(reply, 0);
    }

    private StallingServer(final Function<String, Reply> reply, final int unused) throws IOException
    {
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.reply = reply;
        this.acceptor = new Thread(this::accept, "stalling-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url()
    {
        return "http://127.0.0.1:" + socket.getLocalPort();
    }

    private void accept()
    {
        while (!socket.isClosed())
        {
            try
            {
                final Socket s = socket.accept();
                open.add(s);
                final Thread t = new Thread(() -> serve(s), "stalling-connection");
                t.setDaemon(true);
                t.start();
            }
            catch (final IOException ex)
            {
                return;
            }
        }
    }

    private void serve(final Socket s)
    {
        try
        {
            final BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                StandardCharsets.ISO_8859_1));
            final OutputStream out = s.getOutputStream();
            String request;
            while ((request = in.readLine()) != null)
            {
                String header;
                String key = null;
                while ((header = in.readLine()) != null && !header.isEmpty())
                {
                    if (header.toLowerCase(java.util.Locale.ROOT).startsWith("sec-websocket-key:"))
                    {
                        key = header.substring(header.indexOf(':') + 1).trim();
                    }
                }
                final Reply how = reply.apply(request);
                if (how == Reply.WATCH_THEN_CLOSE && key != null)
                {
                    // RFC 6455 section 4.2.2: the accept value is base64(SHA-1(key + the protocol's GUID)).
                    final String accept = java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest
                        .getInstance("SHA-1").digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                        .getBytes(StandardCharsets.ISO_8859_1)));
                    out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                        "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    Thread.sleep(1000);
                    s.close();
                    return;
                }
                if (how == Reply.GONE)
                {
                    final byte[] body = ("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\"," +
                        "\"reason\":\"Expired\",\"code\":410}").getBytes(StandardCharsets.UTF_8);
                    out.write(("HTTP/1.1 410 Gone\r\nContent-Type: application/json\r\nContent-Length: " +
                        body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.write(body);
                    out.flush();
                    continue;
                }
                if (how == Reply.STALL)
                {
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n{")
                        .getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    return;
                }
                final String kind = request.contains("endpointslices") ? "discovery.k8s.io/v1\",\"kind\":" +
                    "\"EndpointSliceList" : "v1\",\"kind\":\"ServiceList";
                final byte[] body = ("{\"apiVersion\":\"" + kind + "\",\"metadata\":{\"resourceVersion\":\"1\"}," +
                    "\"items\":[]}").getBytes(StandardCharsets.UTF_8);
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length +
                    "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(body);
                out.flush();
            }
        }
        catch (final IOException | java.security.NoSuchAlgorithmException ex)
        {
            // The client went away.
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws IOException
    {
        socket.close();
        for (final Socket s : open)
        {
            s.close();
        }
    }
}
