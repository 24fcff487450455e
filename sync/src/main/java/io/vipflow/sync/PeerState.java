package io.vipflow.sync;

/**
 * What a node has received from one peer: the last message sequence and the messages missed (gaps in the
 * sequence: lost while no route existed, or while a driver was down).
 * <p>
 * Thread contract: written by the node's agent thread only; read from any thread.
 */
final class PeerState
{
    final long id;
    volatile long lastSequence = -1;
    volatile long missedMessages;
    volatile long records;
    /** A table for this node is arriving from the peer, and no message of the peer has been missed since it began. */
    boolean tableIntact;

    PeerState(final long id)
    {
        this.id = id;
    }

    /** Records a message; returns how many messages before it never arrived. */
    long onMessage(final long sequence)
    {
        final long last = lastSequence;
        final long missed = last >= 0 && sequence > last + 1 ? sequence - last - 1 : 0;
        if (missed > 0)
        {
            missedMessages = missedMessages + missed;
        }
        if (sequence > last)
        {
            lastSequence = sequence;
        }
        return missed;
    }
}
