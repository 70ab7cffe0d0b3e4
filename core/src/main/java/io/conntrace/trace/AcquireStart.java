package io.conntrace.trace;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.util.context.ContextView;

/**
 * One request's acquire, from the moment it asked the pool for a connection until it got one (or was
 * cancelled), carried in the request's Reactor context (per request, gone with it), in the caller's
 * {@link RequestAttempts} where there is one (see {@link #of}). Reactor Netty has no
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

	private static final AtomicIntegerFieldUpdater<AcquireStart> OUTCOME = AtomicIntegerFieldUpdater
		.newUpdater(AcquireStart.class, "outcome");

	private static final int PENDING = 0;

	private static final int BOUND = 1;

	private static final int CANCELLED = 2;

	/**
	 * Bound (by its first hop) or cancelled first, decided once: a cancel racing the binding on the event
	 * loop counts only if it came first, and a second cancel counts nothing.
	 */
	private volatile int outcome;

	/** The connection opened for this request, once its channel exists. */
	volatile @Nullable ConnectionState dial;

	/** The request's connect {@code Mono}, where {@link RequestTarget} finds its server should it be asked. */
	final @Nullable Object connect;

	/** Made when the pool first queues the request: most requests are never queued and pay nothing. */
	private @Nullable Waits waits;

	/**
	 * The stamp of the connect whose context this is: its own entry, else the one it keeps in the caller's
	 * {@link RequestAttempts} (the first connect under that record).
	 */
	static @Nullable AcquireStart of(ContextView context) {
		AcquireStart own = context.getOrDefault(KEY, null);
		return (own != null) ? own : keptIn(RequestAttempts.of(context));
	}

	/** As {@link #of(ContextView)}, for a caller that has looked up the context's record already. */
	static @Nullable AcquireStart of(ContextView context, @Nullable RequestAttempts attempts) {
		AcquireStart own = context.getOrDefault(KEY, null);
		return (own != null) ? own : keptIn(attempts);
	}

	private static @Nullable AcquireStart keptIn(@Nullable RequestAttempts attempts) {
		return (attempts != null) ? attempts.start() : null;
	}

	AcquireStart(long nanos, boolean waitsTimed, @Nullable Object connect) {
		this.nanos = nanos;
		this.waitsTimed = waitsTimed;
		this.connect = connect;
	}

	/**
	 * The stamp for the hop being bound: {@link #nanos} for the first, 0 (unknown) for any later one.
	 * @param start the request's stamp, {@code null} if it has none (its stamping failed)
	 */
	static long claim(@Nullable AcquireStart start) {
		if (start == null || !OUTCOME.compareAndSet(start, PENDING, BOUND)) {
			return 0;
		}
		return start.nanos;
	}

	boolean isBound() {
		return this.outcome == BOUND;
	}

	boolean isCancelled() {
		return this.outcome == CANCELLED;
	}

	/** Mark the request cancelled before it was bound; false if it was bound or cancelled already. */
	boolean cancel() {
		return OUTCOME.compareAndSet(this, PENDING, CANCELLED);
	}

	/**
	 * Whether the request's client may speak HTTP/2: its connection would then belong to the HTTP/2 pool,
	 * and a wait in the pool of connections below it is that pool's, not the request's. Read off the
	 * request's configuration, only on a cancel.
	 */
	boolean mayUseHttp2() {
		reactor.netty.http.client.HttpClientConfig config = RequestTarget.of(this.connect);
		if (config == null) {
			return true;
		}
		for (reactor.netty.http.HttpProtocol protocol : config.protocols()) {
			if (protocol == reactor.netty.http.HttpProtocol.H2 || protocol == reactor.netty.http.HttpProtocol.H2C) {
				return true;
			}
		}
		return false;
	}

	synchronized void waitStarted(Subscription borrower) {
		Waits waits = this.waits;
		if (waits == null) {
			waits = new Waits();
			this.waits = waits;
		}
		if (waits.open++ == 0) {
			waits.since = System.nanoTime();
		}
		waits.borrower = borrower;
	}

	synchronized void waitEnded() {
		Waits waits = this.waits;
		if (waits != null && waits.open > 0 && --waits.open == 0) {
			waits.closedNanos += System.nanoTime() - waits.since;
			waits.borrower = null;
		}
	}

	/** Queued time until {@code now}, a wait still open included. */
	synchronized long waitedNanos(long now) {
		Waits waits = this.waits;
		if (waits == null) {
			return 0;
		}
		return waits.closedNanos + ((waits.open > 0) ? Math.max(0, now - waits.since) : 0);
	}

	/** The borrower of a wait still open, taken so only one caller cancels it. */
	synchronized @Nullable Subscription takePendingBorrower() {
		Waits waits = this.waits;
		if (waits == null) {
			return null;
		}
		Subscription borrower = waits.borrower;
		waits.borrower = null;
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

	/** The request's time in the pool's queue; guarded by its {@link AcquireStart}. */
	private static final class Waits {

		/** The pool's borrower while the request is queued: cancelling it takes the request out of the queue. */
		@Nullable Subscription borrower;

		long closedNanos;

		long since;

		/** Open waits: an HTTP/2 stream's wait can hold a wait on its pool of connections inside it. */
		int open;

	}

}
