package io.conntrace.trace;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.netty.http.client.HttpClientConfig;

/**
 * One request's acquire, from the moment it asked the pool for a connection until it got one (or was
 * cancelled), carried in the request's Reactor context (per request, gone with it). Reactor Netty has no
 * acquire-start callback with a context, so {@link AcquireWatch} stamps it at subscription. What the pool
 * and the dial add to it:
 * <ul>
 * <li>the time the request spent queued for a free slot, from {@link PendingAcquireTimer} when the pool
 * runs it (pools built by conntrace do): the pool's own pending-acquire, started when no idle connection
 * and no permit was free and ended when one was handed over or the wait gave up;</li>
 * <li>the connection being opened for it ({@link #dial}), linked when its channel is initialised with the
 * request's context, so a cancel knows which phase it interrupted.</li>
 * </ul>
 * Redirects and Reactor Netty's own retries run further hops inside the same subscription: only the first
 * hop's acquire started here, so the first binding marks it {@link #bound}, and later hops report their
 * acquire as unknown rather than inflated.
 */
final class AcquireStart {

	static final Class<AcquireStart> KEY = AcquireStart.class;

	final long nanos;

	/** Whether the request's pool runs {@link PendingAcquireTimer}, so that its waits are known. */
	final boolean waitsTimed;

	/** Set by the first hop bound to a connection; written and read on event loops, in hop order. */
	private volatile boolean bound;

	/** Set when the request was cancelled before it was bound to a connection. */
	volatile boolean cancelled;

	/** The connection opened for this request, once its channel exists. */
	volatile @Nullable ConnectionState dial;

	/** The request's configuration, for its remote address should it be cancelled before any dial. */
	volatile @Nullable HttpClientConfig config;

	/** The pool's borrower while the request is queued: cancelling it takes the request out of the queue. */
	private @Nullable Subscription pendingBorrower;

	/** Queued time of closed waits. Waits are rare, so their bookkeeping is synchronized on this. */
	private long waitedNanos;

	private long waitingSince;

	/** Open waits: an HTTP/2 stream's wait can hold a wait on its pool of connections inside it. */
	private int waits;

	AcquireStart(long nanos, boolean waitsTimed) {
		this.nanos = nanos;
		this.waitsTimed = waitsTimed;
	}

	/**
	 * The stamp for the hop being bound: {@link #nanos} for the first, 0 (unknown) for any later one.
	 * @param start the request's stamp, {@code null} if it has none (its stamping failed)
	 */
	static long claim(@Nullable AcquireStart start) {
		if (start == null || start.bound) {
			return 0;
		}
		start.bound = true;
		return start.nanos;
	}

	boolean isBound() {
		return this.bound;
	}

	synchronized void waitStarted(Subscription borrower) {
		if (this.waits++ == 0) {
			this.waitingSince = System.nanoTime();
		}
		this.pendingBorrower = borrower;
	}

	synchronized void waitEnded() {
		if (this.waits > 0 && --this.waits == 0) {
			this.waitedNanos += System.nanoTime() - this.waitingSince;
			this.pendingBorrower = null;
		}
	}

	/** Queued time until {@code now}, a wait still open included. */
	synchronized long waitedNanos(long now) {
		return this.waitedNanos + ((this.waits > 0) ? Math.max(0, now - this.waitingSince) : 0);
	}

	synchronized boolean isWaiting() {
		return this.waits > 0;
	}

	/** The borrower of a wait still open, taken so only one caller cancels it. */
	synchronized @Nullable Subscription takePendingBorrower() {
		Subscription borrower = this.pendingBorrower;
		this.pendingBorrower = null;
		return borrower;
	}

	/**
	 * From asking the pool until the connection (HTTP/2: the stream) was ready, -1 if unknown.
	 * @param acquired when the request got it
	 */
	static long acquireNanos(long start, long acquired) {
		return (start != 0 && acquired != 0) ? acquired - start : -1;
	}

	/**
	 * The part of the acquire spent queued for a free slot, -1 if unknown. Where the pool reports its
	 * waits, that is their sum. A stream on an HTTP/2 connection that was open already or being opened by
	 * another request waited for a stream slot or for that connection: all of its acquire. Where the pool
	 * does not report waits, a pooled connection's whole acquire was waiting for it, and a new connection's
	 * wait cannot be told from the pool's setup (creating a pool, a channel; in a cold JVM loading classes):
	 * unknown.
	 */
	static long poolWaitNanos(@Nullable AcquireStart start, long startNanos, boolean reused, boolean stream,
			long acquired) {
		if (start == null || startNanos == 0 || acquired == 0) {
			return -1;
		}
		if (reused && stream) {
			return acquired - startNanos;
		}
		if (start.waitsTimed) {
			return Math.min(start.waitedNanos(acquired), acquired - startNanos);
		}
		return reused ? acquired - startNanos : -1;
	}

}
