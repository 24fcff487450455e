package io.vipflow.harness.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.vipflow.testkit.ChurnEvent;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Follows the API server's Services and {@code discovery.k8s.io/v1} EndpointSlices with one informer each and
 * hands every change to a {@link LiveControlPlane}. The informers list, then watch, and after a broken watch
 * resume or list again (on {@code 410 Gone}) by themselves, reporting the differences as changes, so the
 * control plane converges on the server's state after an outage.
 * <p>
 * Each object is serialised to the JSON the API server sent before it is queued, and converted on the
 * control-plane thread by the rules a churn file is read by: file and live input share one validation path.
 * <p>
 * Thread contract: {@link #start} and {@link #close} from one owning thread; the informers call back on their
 * own threads, which only serialise and queue.
 */
public final class KubeWatch implements AutoCloseable
{
    /** No periodic resync: it re-delivers unchanged cached objects, which would only cost publishes. */
    private static final long NO_RESYNC = 0;

    private final List<SharedIndexInformer<?>> informers;
    private WatchHealth health;

    private KubeWatch(final List<SharedIndexInformer<?>> informers)
    {
        this.informers = informers;
    }

    /**
     * From now on, reports (once per outage, and its end) a resource whose watch has been down for longer than
     * {@code limit}: its informer is stuck listing again.
     *
     * @param server the API server's address, named in the report
     * @param say    receives each line, on a thread of the watch's own
     */
    public void reportOutages(final Duration limit, final String server, final Consumer<String> say)
    {
        health = new WatchHealth(informers, List.of("Services", "EndpointSlices"), limit, server, say);
    }

    /**
     * Starts both informers, waits until each has listed its objects once and publishes them as one snapshot
     * (the control plane holds its publishes meanwhile), so that traffic never meets a half-listed cluster.
     *
     * @param client      connected client; it stays the caller's to close, after this watch.
     * @param namespace   namespace to follow, or null for all namespaces.
     * @param target      receives every change.
     * @param syncTimeout how long to wait for the first list.
     * @return the running watch.
     * @throws IOException when the server cannot be reached or refuses the lists within {@code syncTimeout}; the
     *                     message is one line.
     */
    public static KubeWatch start(final KubernetesClient client, final String namespace, final LiveControlPlane target,
        final Duration syncTimeout) throws IOException
    {
        final KubernetesSerialization serialization = client.getKubernetesSerialization();
        final Informable<Service> services = namespace == null ?
            client.services().inAnyNamespace() : client.services().inNamespace(namespace);
        final Informable<EndpointSlice> slices = namespace == null ?
            client.discovery().v1().endpointSlices().inAnyNamespace() :
            client.discovery().v1().endpointSlices().inNamespace(namespace);
        final SharedIndexInformer<Service> serviceInformer = services.runnableInformer(NO_RESYNC);
        final SharedIndexInformer<EndpointSlice> sliceInformer = slices.runnableInformer(NO_RESYNC);
        final Forwarder<Service> serviceForwarder = new Forwarder<>(serialization, target);
        final Forwarder<EndpointSlice> sliceForwarder = new Forwarder<>(serialization, target);
        serviceInformer.addEventHandler(serviceForwarder);
        sliceInformer.addEventHandler(sliceForwarder);
        final KubeWatch watch = new KubeWatch(List.of(serviceInformer, sliceInformer));
        final long deadline = System.nanoTime() + syncTimeout.toNanos();
        try
        {
            target.hold();
            CompletableFuture.allOf(serviceInformer.start().toCompletableFuture(),
                sliceInformer.start().toCompletableFuture()).get(syncTimeout.toMillis(), TimeUnit.MILLISECONDS);
            // An informer is synced once its cache holds the list; its handlers are told on another thread a
            // little later. Wait for them too, so that the caller may publish the complete first state.
            awaitDelivered(serviceInformer, serviceForwarder, deadline);
            awaitDelivered(sliceInformer, sliceForwarder, deadline);
            target.publishNow();
        }
        catch (final TimeoutException ex)
        {
            watch.close();
            throw new IOException("no complete list of Services and EndpointSlices from the API server at " +
                client.getMasterUrl() + " within " + seconds(syncTimeout) + " s (--sync-timeout sets the limit)");
        }
        catch (final ExecutionException ex)
        {
            watch.close();
            throw new IOException("cannot list Services and EndpointSlices at " + client.getMasterUrl() + ": " +
                oneLine(ex.getCause()));
        }
        catch (final InterruptedException ex)
        {
            watch.close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while listing Services and EndpointSlices");
        }
        catch (final Exception ex)
        {
            // The control plane's thread failed or was closed under us.
            watch.close();
            throw new IOException("cannot apply the first list: " + oneLine(ex));
        }
        return watch;
    }

    private static void awaitDelivered(final SharedIndexInformer<?> informer, final Forwarder<?> forwarder,
        final long deadline) throws TimeoutException, InterruptedException
    {
        while (forwarder.added() < informer.getStore().list().size())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new TimeoutException();
            }
            Thread.sleep(1);
        }
    }

    /**
     * Lists one Service and one EndpointSlice once, without retries, so that an unreachable server, refused
     * credentials or missing permissions end at once with the server's reason, where informers would retry.
     *
     * @param config    the client configuration the watch will use.
     * @param namespace namespace to follow, or null for all namespaces.
     * @throws IOException with one line naming the server and the reason.
     */
    public static void checkAccess(final Config config, final String namespace, final Duration timeout)
        throws IOException
    {
        final Config once = new ConfigBuilder(config).withRequestRetryBackoffLimit(0).build();
        final ListOptions one = new ListOptionsBuilder().withLimit(1L).build();
        final AtomicReference<String> waitingFor = new AtomicReference<>("the connection");
        final KubernetesClient client = new KubernetesClientBuilder().withConfig(once).build();
        // The client's request timeout ends at the response headers: a server that sends them and then stalls
        // the body would hold the list forever. The whole exchange runs on its own thread under one deadline.
        final FutureTask<Void> lists = new FutureTask<>(() ->
        {
            waitingFor.set("the Services list");
            (namespace == null ? client.services().inAnyNamespace() : client.services().inNamespace(namespace))
                .list(one);
            waitingFor.set("the EndpointSlices list");
            (namespace == null ? client.discovery().v1().endpointSlices().inAnyNamespace() :
                client.discovery().v1().endpointSlices().inNamespace(namespace)).list(one);
            return null;
        });
        // A daemon: a list stuck in a read the client cannot cancel must not keep the JVM alive.
        final Thread lister = new Thread(lists, "api-access-check");
        lister.setDaemon(true);
        lister.start();
        try
        {
            lists.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (final TimeoutException ex)
        {
            throw new IOException("no answer from the API server at " + config.getMasterUrl() + " within " +
                seconds(timeout) + " s (waiting for " + waitingFor.get() + "; --sync-timeout sets the limit)");
        }
        catch (final ExecutionException ex)
        {
            final Throwable cause = ex.getCause();
            throw new IOException("cannot list Services and EndpointSlices at " + config.getMasterUrl() + ": " +
                (cause instanceof KubernetesClientException k ? reason(k) : oneLine(cause)));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while listing Services and EndpointSlices at " +
                config.getMasterUrl());
        }
        finally
        {
            lists.cancel(true);
            client.close();
        }
    }

    /** A timeout as the user gave it: "1", "0.5", "10". */
    static String seconds(final Duration timeout)
    {
        return java.math.BigDecimal.valueOf(timeout.toMillis(), 3).stripTrailingZeros().toPlainString();
    }

    /**
     * @return true while both informers hold an open watch.
     */
    public boolean isWatching()
    {
        for (final SharedIndexInformer<?> informer : informers)
        {
            if (!informer.isWatching())
            {
                return false;
            }
        }
        return true;
    }

    /** Stops the informers. */
    @Override
    public void close()
    {
        if (health != null)
        {
            health.close();
        }
        for (final SharedIndexInformer<?> informer : informers)
        {
            informer.stop();
        }
    }

    /**
     * @return why a request failed, in a few words: the HTTP status and the server's message, or the network
     * failure behind it.
     */
    static String reason(final KubernetesClientException ex)
    {
        if (ex.getCode() > 0)
        {
            final String message = ex.getStatus() != null && ex.getStatus().getMessage() != null ?
                ex.getStatus().getMessage() : ex.getMessage();
            return "HTTP " + ex.getCode() + ": " + message.replaceAll("\\s+", " ").strip();
        }
        // The most specific cause first: an unknown host also surfaces as a failed connection.
        if (find(ex, UnknownHostException.class) != null || find(ex, UnresolvedAddressException.class) != null)
        {
            return "unknown host";
        }
        if (find(ex, SSLException.class) != null)
        {
            return "TLS failure: " + oneLine(find(ex, SSLException.class));
        }
        if (find(ex, HttpTimeoutException.class) != null || find(ex, SocketTimeoutException.class) != null)
        {
            return "timed out";
        }
        if (find(ex, ConnectException.class) != null)
        {
            return "connection refused";
        }
        return oneLine(ex);
    }

    private static Throwable find(final Throwable failure, final Class<? extends Throwable> type)
    {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause())
        {
            if (type.isInstance(t))
            {
                return t;
            }
        }
        return null;
    }

    /**
     * @return the innermost message of a failure on one line, without class names where a message exists.
     */
    static String oneLine(final Throwable failure)
    {
        Throwable t = failure;
        while (t.getCause() != null && t.getCause() != t)
        {
            t = t.getCause();
        }
        final String message = t.getMessage() == null || t.getMessage().isBlank() ?
            t.getClass().getSimpleName() : t.getMessage();
        return message.replaceAll("\\s+", " ").strip();
    }

    /**
     * Serialises each changed object and queues it. Runs on an informer's thread.
     */
    private static final class Forwarder<T extends HasMetadata> implements ResourceEventHandler<T>
    {
        // Jackson 2 trees are what the converters read; the client serialises with its own mapper.
        private static final ObjectMapper TREES = new ObjectMapper();

        private final KubernetesSerialization serialization;
        private final LiveControlPlane target;
        // Written by the informer's thread, read by the thread waiting in start().
        private final AtomicLong added = new AtomicLong();

        Forwarder(final KubernetesSerialization serialization, final LiveControlPlane target)
        {
            this.serialization = serialization;
            this.target = target;
        }

        @Override
        public void onAdd(final T object)
        {
            forward(ChurnEvent.Type.ADDED, object);
            added.incrementAndGet();
        }

        /**
         * @return ADDED events queued so far. Any thread.
         */
        long added()
        {
            return added.get();
        }

        @Override
        public void onUpdate(final T previous, final T object)
        {
            forward(ChurnEvent.Type.MODIFIED, object);
        }

        @Override
        public void onDelete(final T object, final boolean finalStateUnknown)
        {
            // With finalStateUnknown the object is the last state seen before the watch broke: its identity is
            // what a deletion needs.
            forward(ChurnEvent.Type.DELETED, object);
        }

        private void forward(final ChurnEvent.Type type, final T object)
        {
            final long received = System.nanoTime();
            final JsonNode tree;
            try
            {
                tree = TREES.readTree(serialization.asJson(object));
            }
            catch (final IOException ex)
            {
                // The client's own mapper wrote it; JSON it cannot read back would be a bug in one of them.
                throw new IllegalStateException("cannot read back " + object.getKind() + " " +
                    object.getMetadata().getNamespace() + "/" + object.getMetadata().getName(), ex);
            }
            target.submit(type, tree, received);
        }
    }
}
