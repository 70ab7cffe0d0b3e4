package io.conntrace.trace;

import org.jspecify.annotations.Nullable;
import reactor.util.context.ContextView;

/**
 * What one request's attempts ran on, for a caller deciding whether a failure was a stale connection.
 * Put an instance into the request's Reactor context under {@link #KEY}; conntrace fills it as the
 * request is bound to a connection and as the response starts. Written on the event loop, read after
 * the request's outcome is signalled, which orders the two.
 */
public final class RequestAttempts {

	/** The Reactor context key, for a caller that keeps its own record (a proxy around the client). */
	public static final Class<RequestAttempts> KEY = RequestAttempts.class;

	/**
	 * Return the record of the request's latest connect: the caller's own, under {@link #KEY} in the Reactor
	 * context, else the one an instrumented client keeps for each connect it subscribes (on the request's
	 * client observation, so WebClient requests pay no Reactor context entry for it). Read it on the error
	 * path, in the request's context.
	 * @param context the request's Reactor context
	 * @return the record, {@code null} if the request never asked an instrumented client for a connection
	 */
	public static @Nullable RequestAttempts current(ContextView context) {
		return current(context, RequestScope.get(context, AcquireStart.KEY));
	}

	static @Nullable RequestAttempts current(ContextView context, @Nullable AcquireStart start) {
		RequestAttempts own = context.getOrDefault(KEY, null);
		if (own != null) {
			return own;
		}
		return (start != null) ? start.attempts : null;
	}

	private volatile int attempts;

	private volatile boolean reused;

	private volatile @Nullable String connectionId;

	private volatile long idleNanos = -1;

	private volatile boolean responseStarted;

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
