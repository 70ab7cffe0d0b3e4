package io.conntrace.trace;

import io.micrometer.observation.Observation;
import java.net.InetSocketAddress;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.ssl.SslHandler;
import reactor.core.CoreSubscriber;
import reactor.netty.Connection;
import reactor.netty.ConnectionObserver;
import reactor.netty.http.client.HttpClientRequest;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.http.client.HttpClientState;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Follows each connection through the pool: stamps when a request got it and when it went back, and
 * when a request is bound to it, hands that request's {@link RequestFacts} to its observation (the
 * span gets them when the observation stops) and its times to the listener. One instance per
 * {@link ConnectionTracing}: Reactor Netty makes observers part of the pool key, so a new observer per
 * client would mean a new pool per client.
 */
final class ConnectionTraceObserver implements ConnectionObserver {

	private final ConnectionListener listener;

	private final boolean spans;

	private final boolean keepCancelledDials;

	private final FilterCheck filterCheck;

	ConnectionTraceObserver(ConnectionListener listener, boolean spans, boolean keepCancelledDials,
			FilterCheck filterCheck) {
		this.listener = listener;
		this.spans = spans;
		this.keepCancelledDials = keepCancelledDials;
		this.filterCheck = filterCheck;
	}

	@Override
	public void onStateChange(Connection connection, State newState) {
		if (newState == State.CONNECTED) {
			acquired(connection, true);
		}
		else if (newState == State.ACQUIRED) {
			acquired(connection, false);
		}
		else if (newState == State.CONFIGURED) {
			configured(connection);
		}
		else if (newState == HttpClientState.STREAM_CONFIGURED) {
			streamOpened(connection);
		}
		else if (newState == HttpClientState.RESPONSE_RECEIVED) {
			responseReceived(connection);
		}
		else if (newState == State.RELEASED) {
			released(connection);
		}
	}

	private static void responseReceived(Connection connection) {
		try {
			// HTTP/1.1 only: HTTP/2 forbids the Keep-Alive header, and its streams carry no state of their own.
			ConnectionState state = ConnectionState.of(connection.channel());
			// The HTTP/1.1 request's record was kept on its connection when it was bound; a stream's is searched.
			RequestAttempts attempts = (state != null && !state.http2) ? state.currentAttempts
					: RequestAttempts.of(contextOf(connection));
			if (attempts != null) {
				attempts.markResponseStarted();
			}
			if (state != null && connection instanceof HttpClientResponse response) {
				String keepAlive = response.responseHeaders().get(HttpHeaderNames.KEEP_ALIVE);
				if (keepAlive != null) {
					state.serverIdleTimeoutMillis = KeepAliveHeader.timeoutMillis(keepAlive);
				}
			}
		}
		catch (Throwable ex) {
			Guard.failed(Hook.RESPONSE, ex);
		}
	}

	private void acquired(Connection connection, boolean established) {
		try {
			ConnectionState state = ConnectionState.of(connection.channel());
			if (state != null) {
				long now = System.nanoTime();
				if (established) {
					state.established = now;
				}
				state.acquired = now;
				if (established) {
					opened(connection.channel(), state);
					if (this.keepCancelledDials) {
						keepIfCancelled(connection, state);
					}
				}
			}
		}
		catch (Throwable ex) {
			Guard.failed(Hook.ACQUIRED, ex);
		}
	}

	/** A new connection is established: what a view of it needs, read once, and the listener told. */
	private static void opened(Channel channel, ConnectionState state) {
		if (channel.localAddress() instanceof InetSocketAddress local) {
			state.localPort = local.getPort();
		}
		SslHandler ssl = channel.pipeline().get(SslHandler.class);
		if (ssl != null) {
			state.tlsVersion = ConnectionState.tlsVersion(ssl.engine().getSession().getProtocol());
		}
		state.listener.connectionOpened(state);
	}

	/**
	 * A new connection is ready, but the request it was opened for was cancelled meanwhile: Reactor Netty
	 * would hand it to that request, find it cancelled and close it, throwing the dial away. It goes to the
	 * pool instead, once Reactor Netty has set it up ({@link KeptDial}). HTTP/1.1 only: an HTTP/2
	 * connection belongs to the HTTP/2 pool, not to the request, and that pool keeps it.
	 */
	private static void keepIfCancelled(Connection connection, ConnectionState state) {
		AcquireStart start = AcquireStart.of(contextOf(connection));
		if (start != null && start.isCancelled() && !start.mayUseHttp2()
				&& !Http2Streams.isHttp2(connection.channel())) {
			KeptDial.keep(connection, state);
		}
	}

	/** An HTTP/1.1 request was bound to its connection. */
	private void configured(Connection connection) {
		try {
			Channel channel = connection.channel();
			ConnectionState state = ConnectionState.of(channel);
			// An HTTP/2 connection is configured once around its first stream: no request of its own. Only its
			// first requests are looked at, so a reused HTTP/1.1 connection pays nothing for the check.
			if (state == null || state.http2 || (state.requests <= 1 && Http2Streams.isHttp2(channel))) {
				return;
			}
			int ordinal = state.requests + 1;
			state.requests = ordinal;
			// A connection kept from a cancelled request's dial is reused by its first request: it was open.
			boolean reused = ordinal > 1 || state.keptDial;
			state.currentRequest = (connection instanceof HttpClientRequest request) ? request : null;
			long idle = reused ? state.idleBeforeAcquiredNanos() : -1;
			bound(connection, channel, state, ordinal, reused, false, state.acquired, idle, -1, idle);
		}
		catch (Throwable ex) {
			Guard.failed(Hook.CONFIGURED, ex);
		}
	}

	/**
	 * An HTTP/2 stream was opened for a request: the request's connection is the stream's parent, the
	 * TCP (and TLS) connection. Runs on that connection's event loop, which all its streams share.
	 */
	private void streamOpened(Connection connection) {
		try {
			Channel connectionChannel = connection.channel().parent();
			ConnectionState state = (connectionChannel != null) ? ConnectionState.of(connectionChannel) : null;
			if (state == null) {
				return;
			}
			long now = System.nanoTime();
			boolean firstStream = !state.http2;
			if (firstStream) {
				// An h2c upgrade's first request ran as HTTP/1.1: its fixed attributes named that version, and
				// its response goes on as stream 1, which opens no stream here, so its end cannot be seen.
				state.fixedAttributes = null;
				state.upgraded = state.requests > 0;
				state.http2 = true;
				// Its response is found through the context from now on; no RELEASED may come to let go of it.
				state.currentAttempts = null;
			}
			int ordinal = state.requests + 1;
			state.requests = ordinal;
			int inFlight = Http2Streams.opened(connection.channel(), state);
			if (firstStream) {
				// After the count: the reader's own failure must not cost the connection its stream count.
				Http2ConnectionFrames.install(connectionChannel);
			}
			// Idle only when nothing else ran on the connection: the time since its last stream ended.
			long idle = (ordinal > 1 && inFlight == 0 && state.released != 0 && !state.upgraded)
					? now - state.released : -1;
			if (inFlight == 0) {
				state.burstIdleNanos = idle;
			}
			bound(connection, connectionChannel, state, ordinal, ordinal > 1, true, now, idle,
					state.upgraded ? -1 : inFlight, state.burstIdleNanos);
		}
		catch (Throwable ex) {
			Guard.failed(Hook.CONFIGURED, ex);
		}
	}

	/**
	 * Hands a request's facts to its listener, its stale-connection record and, if its span records, its
	 * observation.
	 * @param channel the connection's channel (on HTTP/2 the parent of the request's stream)
	 * @param ordinal the request's ordinal on the connection, already counted in the state
	 * @param reused whether the connection was open before the request asked for it
	 * @param stream whether the request runs on an HTTP/2 stream
	 * @param acquired when the request got its connection or stream
	 * @param idle how long the connection had been idle before, -1 if not idle or unknown
	 * @param streamsInFlight other HTTP/2 streams open on the connection, -1 on HTTP/1.1 or when unknown
	 * @param staleIdle how long the connection had been idle before the request or, on HTTP/2, before the first
	 * stream of its burst (what a stale connection is judged by), -1 if not idle or unknown
	 */
	private void bound(Connection connection, Channel channel, ConnectionState state, int ordinal, boolean reused,
			boolean stream, long acquired, long idle, int streamsInFlight, long staleIdle) {
		ContextView context = contextOf(connection);
		RequestAttempts attempts = RequestAttempts.of(context);
		AcquireStart start = AcquireStart.of(context, attempts);
		if (start != null && start.isCancelled()) {
			// An HTTP/2 stream opened for a request already cancelled: nobody sends on it, nothing to tell.
			return;
		}
		if (attempts != null) {
			attempts.bound(state, reused, idle, staleIdle,
					(connection instanceof HttpClientRequest request) ? request : null);
		}
		if (!stream) {
			// Let go at RELEASED, which Reactor Netty's pool signals before it hands the connection on: the next
			// request's CONFIGURED finds it cleared, never this request's record.
			state.currentAttempts = attempts;
		}
		long startNanos = AcquireStart.claim(start);
		long acquire = AcquireStart.acquireNanos(startNanos, acquired);
		long poolWait = AcquireStart.poolWaitNanos(start, startNanos, reused, stream, acquired);
		tellListener(state, reused, acquire, poolWait);
		Observation observation = RequestObservation.of(context);
		if (observation == null || observation.isNoop()) {
			return;
		}
		boolean spanned = SpanFacts.spanned(observation, this.spans);
		if (spanned || RequestLog.wanted(observation)) {
			// Put on every hop: a later hop's facts replace the earlier one's.
			observation.getContext()
				.put(RequestFacts.KEY, new RequestFacts(state, SpanFacts.fixedAttributes(channel, state), ordinal,
						reused, acquired, idle, acquire, poolWait, streamsInFlight, spanned, this.filterCheck));
		}
		if (spanned) {
			SpanFacts.events(observation, state, reused, acquired);
			this.filterCheck.handedOver();
		}
	}

	/** Guarded apart from the span: a listener's failure must not cost the span its facts. */
	private void tellListener(ConnectionState state, boolean reused, long acquire, long poolWait) {
		try {
			this.listener.requestBound(state.host, state.port, reused, acquire, poolWait);
		}
		catch (Throwable ex) {
			Guard.failed(Hook.CONFIGURED, ex);
		}
	}

	/** The request's Reactor context: the HTTP operations bound to a request subscribe on its behalf. */
	private static ContextView contextOf(Connection connection) {
		if (connection instanceof CoreSubscriber<?> subscriber) {
			return subscriber.currentContext();
		}
		if (connection instanceof ConnectionObserver observer) {
			return observer.currentContext();
		}
		return Context.empty();
	}

	private static void released(Connection connection) {
		try {
			ConnectionState state = ConnectionState.of(connection.channel());
			if (state != null) {
				state.released = System.nanoTime();
				state.currentRequest = null;
				state.currentAttempts = null;
			}
		}
		catch (Throwable ex) {
			Guard.failed(Hook.RELEASED, ex);
		}
	}

}
