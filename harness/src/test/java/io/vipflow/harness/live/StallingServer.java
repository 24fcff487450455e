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
import java.util.function.Predicate;

/**
 * An HTTP server on 127.0.0.1 that answers some requests with an empty list and, for the others, sends the
 * response headers and then never the body: the failure a hung API server or a stuck proxy shows.
 */
final class StallingServer implements AutoCloseable
{
    private final ServerSocket socket;
    private final Predicate<String> answered;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    /** @param answered given the request line, true when it gets a complete empty list. */
    StallingServer(final Predicate<String> answered) throws IOException
    {
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.answered = answered;
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
                while ((header = in.readLine()) != null && !header.isEmpty())
                {
                    // Request headers are not needed.
                }
                if (!answered.test(request))
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
        catch (final IOException ex)
        {
            // The client went away.
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
