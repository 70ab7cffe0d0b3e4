package io.conntrace.trace;

import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

import org.jspecify.annotations.Nullable;

/**
 * What one request's attempts ran on, for a caller deciding whether a failure was a stale connection.
 * Put an instance into the request's Reactor context under {@link #KEY}; conntrace fills it as the
 * request is bound to a connection and as the response starts. Written on the event loop, read after
 * the request's outcome is signalled, which orders the two.
 */
public final class RequestAttempts {

	/** The Reactor context key. */
	public static final Class<RequestAttempts> KEY = RequestAttempts.class;

	private volatile int attempts;

	private volatile boolean reused;

	private volatile @Nullable String connectionId;

	private volatile long idleNanos = -1;

	private volatile boolean responseStarted;

	/**
	 * The first connect under this record, which keeps its {@link AcquireStart} here rather than in a Reactor
	 * context entry of its own: an entry there is paid again by every later context write of the exchange
	 * (about 850 bytes a request, measured with Boot's WebClient). A connect that finds it taken (a retry
	 * inside, or concurrent connects) keeps its own entry.
	 */
	private volatile @Nullable AcquireStart start;

	private static final AtomicReferenceFieldUpdater<RequestAttempts, AcquireStart> START = AtomicReferenceFieldUpdater
		.newUpdater(RequestAttempts.class, AcquireStart.class, "start");

	boolean claim(AcquireStart start) {
		return START.compareAndSet(this, null, start);
	}

	@Nullable AcquireStart start() {
		return this.start;
	}

	void bound(ConnectionState state, boolean reused, long idleNanos) {
		this.attempts++;
		this.reused = reused;
		this.connectionId = state.id;
		this.idleNanos = idleNanos;
		this.responseStarted = false;
	}

	void markResponseStarted() {
		this.responseStarted = true;
	}

	/**
	 * Return how many times the request was bound to a connection (Reactor Netty retries some failures itself).
	 * @return the number of attempts
	 */
	public int attempts() {
		return this.attempts;
	}

	/**
	 * Return whether the last attempt ran on a connection an earlier request had used.
	 * @return whether the last attempt's connection was reused
	 */
	public boolean reused() {
		return this.reused;
	}

	/**
	 * Return the Netty channel id of the last attempt's connection.
	 * @return the id, or {@code null} if no attempt got a connection
	 */
	public @Nullable String connectionId() {
		return this.connectionId;
	}

	/**
	 * Return how long the last attempt's connection had been idle before it, for a reused connection.
	 * @return idle nanoseconds, or -1 when unknown or new
	 */
	public long idleNanos() {
		return this.idleNanos;
	}

	/**
	 * Return whether any response byte of the last attempt arrived.
	 * @return whether the response started
	 */
	public boolean responseStarted() {
		return this.responseStarted;
	}

}
