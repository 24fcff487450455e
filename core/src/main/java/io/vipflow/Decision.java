package io.vipflow;

import io.vipflow.conntrack.ConnView;
import io.vipflow.conntrack.FlowKey;
import io.vipflow.internal.AdmissionLimiter;
import io.vipflow.packet.PacketTuple;
import io.vipflow.service.Backend;
import io.vipflow.service.Frontend;
import io.vipflow.service.NodeTraffic;
import io.vipflow.service.ServicePort;

/**
 * The result of classifying one packet, and the scratch space classification needs. Caller-owned and reused
 * for every packet so that the data path allocates nothing; one per thread.
 * <p>
 * The references it returns ({@link #servicePort()}, {@link #backend()}, {@link #frontend()}) point to
 * immutable control-plane objects: valid to keep, never to modify.
 */
public final class Decision
{
    /** The parsed packet (filled by frame classification; the input when classifying a tuple). */
    public final PacketTuple tuple = new PacketTuple();
    final FlowKey key = new FlowKey();
    final FlowKey affinityKey = new FlowKey();
    final ConnView view = new ConnView();
    final ConnView affinityView = new ConnView();
    /** New-flow admissions this thread has taken from the shared limit and not used yet. */
    final AdmissionLimiter.Lease admissionLease = new AdmissionLimiter.Lease();
    /**
     * This thread's counts not yet added to the shared {@link ClassifierStats}: the decision's own, or shared by
     * the decisions of one {@link FrameBatch}.
     */
    final long[] tally;

    /*
     * What changes from one packet to the next is kept in primitive fields: the verdict and reason as their ordinals,
     * the backend as its id in the Service port (or, off the common path, as a reference). A reference store pays the
     * collector's write barrier, and under G1 that barrier ends in a full fence whenever this decision lies in an old
     * region and the value in another one (HotSpot's G1BarrierSetC2::post_barrier: a StoreLoad barrier before it reads
     * the card again): a decision kept for a thread's lifetime is soon in an old region, so two or three reference
     * stores per packet would cost two or three fences per packet (ClassifyBenchmark with JMH's -gc true, which moves
     * every long-lived object to an old region, showed them as 16 % of the samples at 10k flows). Primitive stores pay
     * no barrier. The frontend and the traffic rules stay references, written only when they change (the Service
     * port is read from the frontend, not stored: one reference fewer when packets alternate between Services).
     */
    private static final Verdict[] VERDICTS = Verdict.values();
    private static final Reason[] REASONS = Reason.values();
    private static final byte DNAT = (byte)Verdict.DNAT.ordinal();
    /** {@link #backend} is null. */
    private static final byte NO_BACKEND = 0;
    /** {@link #backend} is {@code frontend.target.backend(backendId)}. */
    private static final byte LISTED_BACKEND = 1;
    /** {@link #backend} is {@link #backendRef}. */
    private static final byte OTHER_BACKEND = 2;

    private byte verdict;
    private byte reason;
    private byte backendKind;
    private int backendId;
    private Backend backendRef;
    Frontend frontend;
    /** The snapshot's node traffic rules, set with {@link #frontend} when that is not null. */
    NodeTraffic traffic;
    boolean newFlow;
    boolean rescheduled;
    boolean masquerade;
    boolean parsed;
    /** Set while a batch holds this decision between its phases. */
    boolean pending;
    /**
     * Between a batch's phases: the offsets of the flow's two buckets and its home slot, then of the slot it
     * probably occupies.
     */
    int bucket1;
    int bucket2;
    int homeSlot;
    int slotHint;
    /**
     * Written by a batch (and by a SYN's early load of its second bucket) with the sum of the words it loaded for their
     * side effect on the caches, so the loads stay.
     * In the caller's decision rather than in the shared classifier, so that batches on several threads do not all
     * write one cache line (the one holding the classifier's fields, which every packet reads).
     */
    @SuppressWarnings("unused")
    long touched;

    /** The {@link FlowEvents} last handed to {@link #flowEvents}, and what it gave for the thread. */
    private FlowEvents eventsSource;
    private FlowEvents threadEvents;

    /** A decision for one thread's packets, one at a time. */
    public Decision()
    {
        this(new long[ClassifierStats.TALLIED]);
    }

    /** A decision counting into {@code tally}, which the other decisions of its batch share. */
    Decision(final long[] tally)
    {
        this.tally = tally;
    }

    void reset()
    {
        parsed = true;
        set(Verdict.PASS, Reason.NONE);
        frontend = null;
        traffic = null;
        clearBackend();
        newFlow = false;
        rescheduled = false;
        masquerade = false;
    }

    /**
     * {@link #reset} for a parsed packet, with the frontend it matched (null: none) and, when it matched one, the
     * snapshot's traffic rules. A reference field is written only when its value changes: consecutive packets mostly
     * match the same frontend, and a reference store pays the collector's write barrier (under G1 a card check, and a
     * fence when this decision is in an old region and the value in another) where a compare reads a line in use.
     */
    void start(final Frontend frontend, final NodeTraffic traffic)
    {
        parsed = true;
        set(Verdict.PASS, Reason.NONE);
        if (this.frontend != frontend)
        {
            this.frontend = frontend;
        }
        if (frontend != null && this.traffic != traffic)
        {
            this.traffic = traffic;
        }
        clearBackend();
        newFlow = false;
        rescheduled = false;
        masquerade = false;
    }

    /** Sets verdict and reason (as ordinals: no write barrier). */
    void set(final Verdict verdict, final Reason reason)
    {
        this.verdict = (byte)verdict.ordinal();
        this.reason = (byte)reason.ordinal();
    }

    /** True when the verdict is {@link Verdict#DNAT}. */
    boolean dnat()
    {
        return verdict == DNAT;
    }

    private void clearBackend()
    {
        backendKind = NO_BACKEND;
        if (backendRef != null)
        {
            backendRef = null;
        }
    }

    /**
     * Sets the backend to the one of the frontend's Service port with this id (its {@code backend(id)}, which the
     * caller has just read): an int store.
     */
    void listedBackend(final int id)
    {
        backendKind = LISTED_BACKEND;
        backendId = id;
    }

    /**
     * Sets the backend: by id when it is the one the frontend's Service port lists under its id, else (a backend that
     * has left the slices, kept for its flows) by reference.
     */
    void backend(final Backend b)
    {
        if (frontend != null && frontend.target.backend(b.id) == b)
        {
            listedBackend(b.id);
            return;
        }
        backendKind = OTHER_BACKEND;
        backendRef = b;
    }

    /**
     * What to do with the packet.
     *
     * @return the verdict of the last packet classified with this decision
     */
    public Verdict verdict()
    {
        return VERDICTS[verdict];
    }

    /**
     * {@return false when a frame could not be parsed into {@link #tuple} (malformed, unsupported link, or not IP)}
     * The tuple then holds nothing meaningful.
     */
    public boolean parsed()
    {
        return parsed;
    }

    /** {@return why: {@link Reason#NONE} for DNAT and PASS} */
    public Reason reason()
    {
        return REASONS[reason];
    }

    /** {@return the frontend the packet matched, or null for PASS and malformed packets} */
    public Frontend frontend()
    {
        return frontend;
    }

    /** {@return the Service port the packet belongs to, or null when it matched none} */
    public ServicePort servicePort()
    {
        return frontend == null ? null : frontend.target;
    }

    /** {@return the backend to DNAT to; non-null exactly when the verdict is DNAT} */
    public Backend backend()
    {
        switch (backendKind)
        {
            case LISTED_BACKEND:
                return frontend.target.backend(backendId);
            case OTHER_BACKEND:
                return backendRef;
            default:
                return null;
        }
    }

    /** {@return true when this packet chose the backend (the first packet of the flow), false for later packets} */
    public boolean newFlow()
    {
        return newFlow;
    }

    /**
     * {@return true when the flow had an entry whose backend could not be kept (removed, or a SYN reusing a closed
     * or quiesced entry) and this packet scheduled it again}
     */
    public boolean rescheduled()
    {
        return rescheduled;
    }

    /**
     * {@return for DNAT, whether kube-proxy would also masquerade (SNAT to the node) this connection} It would for a
     * ClusterIP reached from outside the cluster CIDR or under masquerade-all, an external frontend under a Cluster
     * policy or reached from the node itself, or a backend that is the client itself (hairpin). False for every
     * other verdict.
     */
    public boolean masquerade()
    {
        return masquerade;
    }

    /** Allocates; for logs and tests. */
    @Override
    public String toString()
    {
        final Backend backend = backend();
        return verdict() + (reason() == Reason.NONE ? "" : "(" + reason().label + ")") +
            (frontend == null ? "" : " " + frontend.target.label) + (backend == null ? "" : " -> " + backend.name) +
            (dnat() ? (newFlow ? " NEW" : " ESTABLISHED") + (masquerade ? " MASQ" : "") : "");
    }

    /**
     * Where this decision's thread hands its flow changes for {@code events}: what {@link FlowEvents#forThread()}
     * returned the first time this decision met {@code events}, so that the change itself does not look up per-thread
     * state (a thread-local lookup per new flow). The data-plane thread's own; the classifier calls it per change.
     *
     * @param events the hook set on the classifier ({@link Classifier#flowEvents})
     * @return the receiver of this decision's thread's changes for {@code events}
     */
    public FlowEvents flowEvents(final FlowEvents events)
    {
        if (events != eventsSource)
        {
            threadEvents = events.forThread();
            eventsSource = events;
        }
        return threadEvents;
    }
}
