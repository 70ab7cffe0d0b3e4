package io.conntrace.trace;

import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

import io.micrometer.observation.Observation;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2StreamChannel;
import org.jspecify.annotations.Nullable;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClientRequest;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * What one request's attempts ran on, for a caller deciding whether a failure was a stale connection.
 * {@link #attach} it to the request's Reactor context (or put it there under {@link #KEY} yourself);
 * conntrace fills it as the request is bound to a connection and as the response starts, on the event loop.
 * Only {@link #attempts()} and {@link #responseStarted()} are volatile: a binding writes the other facts
 * first and the attempt count last, so a reader who reads {@link #attempts()} first sees the facts of that
 * attempt, even from another thread (a timeout's); a volatile write per fact would cost each request a
 * memory fence per fact.
 */
public final class RequestAttempts {

	/** The Reactor context key. */
	static final Class<RequestAttempts> KEY = RequestAttempts.class;

	private volatile int attempts;

	/** The observation whose map holds this record, until {@link #detach}. */
	private @Nullable Observation observation;

	/** The observation current when {@link #attach} ran ({@code null} for an entry put by hand). */
	private @Nullable Object scope;

	private boolean reused;

	private @Nullable String connectionId;

	private long idleNanos = -1;

	/** Idle before the request or, on HTTP/2, before its burst's first stream: what staleness is judged by. */
	private long staleIdleNanos = -1;

	private volatile boolean responseStarted;

	/** The last attempt's request as Reactor Netty sends it, read only when it failed (blocking calls). */
	private @Nullable HttpClientRequest request;

	/**
	 * The first connect under this record, which keeps its {@link AcquireStart} here rather than in a Reactor
	 * context entry of its own (see {@link #attach}). A connect that finds it taken (a retry inside, or
	 * concurrent connects) keeps its own entry.
	 */
	private volatile @Nullable AcquireStart start;

	private static final AtomicReferenceFieldUpdater<RequestAttempts, AcquireStart> START = AtomicReferenceFieldUpdater
		.newUpdater(RequestAttempts.class, AcquireStart.class, "start");

	/**
	 * Return the context under which conntrace fills this record. Where the request runs under a live
	 * observation (Spring's WebClient puts one under {@code ObservationThreadLocalAccessor.KEY}), the record
	 * goes into that observation's map and the context is returned unchanged: an entry in the Reactor
	 * context is paid again by every later context write of the exchange (about 150 bytes a request,
	 * measured with Boot's WebClient), a map entry once. Without one, or when another record of the same
	 * observation is still attached (a filter outside subscribing twice at once), the record becomes an
	 * entry of the context. Call {@link #detach} when the request has ended: a record left on an observation
	 * that outlives the request (a server's) is what a later connect under it without a record of its own
	 * would fill.
	 * @param context the request's context
	 * @return the context to subscribe the request with
	 */
	public Context attach(Context context) {
		Object current = context.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
		this.scope = current;
		if (current instanceof Observation observation && !observation.isNoop()
				&& observation.getContext().computeIfAbsent(KEY, (key) -> this) == this) {
			this.observation = observation;
			return context;
		}
		return context.put(KEY, this);
	}

	/** Take this record off its observation, if {@link #attach} put it there; idempotent. */
	public void detach() {
		Observation observation = this.observation;
		if (observation != null) {
			this.observation = null;
			if (observation.getContext().get(KEY) == this) {
				observation.getContext().remove(KEY);
			}
		}
	}

	/**
	 * The record a request's connect fills: the innermost one. A context entry attached under the current
	 * observation (a retry's, a second subscription's) comes first; else the record attached to the current
	 * observation; else a context entry from further out (one put by hand, a proxy's), which a client nested
	 * inside with a record of its own on its own observation does not take for its own.
	 */
	static @Nullable RequestAttempts of(ContextView context) {
		Object current = context.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
		RequestAttempts entry = context.getOrDefault(KEY, null);
		if (entry != null && entry.scope == current) {
			return entry;
		}
		if (current instanceof Observation observation && !observation.isNoop()) {
			RequestAttempts attached = observation.getContext().get(KEY);
			if (attached != null) {
				return attached;
			}
		}
		return entry;
	}

	boolean claim(AcquireStart start) {
		return START.compareAndSet(this, null, start);
	}

	@Nullable AcquireStart start() {
		return this.start;
	}

	void bound(ConnectionState state, boolean reused, long idleNanos, long staleIdleNanos,
			@Nullable HttpClientRequest request) {
		this.reused = reused;
		this.request = request;
		this.staleIdleNanos = staleIdleNanos;
		this.connectionId = state.id;
		this.idleNanos = idleNanos;
		this.responseStarted = false;
		// Last: publishes the facts above to a reader who reads the count first.
		this.attempts = this.attempts + 1;
	}

	/**
	 * Why the server never processed the last attempt's HTTP/2 stream, if it said so: a GOAWAY naming a lower last
	 * stream, or one that came before the stream was even sent (it has no id), or REFUSED_STREAM
	 * ({@link Http2ConnectionFrames}); {@code null} otherwise, and on HTTP/1.1.
	 */
	@Nullable RetryCause unprocessed() {
		if (!(this.request instanceof Connection connection)
				|| !(connection.channel() instanceof Http2StreamChannel stream)) {
			return null;
		}
		ConnectionState state = (stream.parent() != null) ? ConnectionState.of(stream.parent()) : null;
		if (state == null) {
			return null;
		}
		int id = stream.stream().id();
		if (id > 0 && state.wasRefused(id)) {
			return RetryCause.REFUSED_STREAM;
		}
		int lastProcessed = state.goAwayLastStreamId;
		return (lastProcessed != Integer.MAX_VALUE && (id <= 0 || id > lastProcessed)) ? RetryCause.GOAWAY : null;
	}

	/**
	 * Whether the last attempt is the first to find its connection stale: an HTTP/2 connection can take a burst of
	 * streams with it, and is counted once. {@code true} when the connection cannot be told.
	 */
	boolean firstToFindItsConnectionStale() {
		if (!(this.request instanceof Connection connection)) {
			return true;
		}
		Channel channel = connection.channel();
		ConnectionState state = ConnectionState.of((channel.parent() != null) ? channel.parent() : channel);
		return state == null || state.firstToFindItStale();
	}

	/** How long the connection had been idle before the last attempt or, on HTTP/2, before its burst; -1 if not. */
	long staleIdleNanos() {
		return this.staleIdleNanos;
	}

	/** The last attempt's request: its method and headers, once it was sent. */
	@Nullable HttpClientRequest request() {
		return this.request;
	}

	void markResponseStarted() {
		this.responseStarted = true;
	}

	/**
	 * Return how many times the request was bound to a connection (Reactor Netty retries some failures itself).
	 * Read it before the other facts: it publishes them.
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
