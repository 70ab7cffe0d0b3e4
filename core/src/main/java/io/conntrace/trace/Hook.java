package io.conntrace.trace;

/**
 * Every place where Reactor Netty (or, for {@link #SPAN}, Micrometer) calls into conntrace. Each runs
 * guarded: a failure is logged and swallowed so the request goes on as it would without conntrace.
 */
enum Hook {

	/**
	 * A blocking call's request subscribed (its caller's observation, its record), failed (the stale retry, the
	 * descriptions of its failure).
	 */
	CALL,

	/** Stamping the start of the pool acquire into the request's context. */
	ACQUIRE_START,

	/** The pool queued the request, or served, gave up on or cancelled a queued one. */
	WAIT,

	/** The request was cancelled, perhaps before it got its connection. */
	CANCEL,

	/** Setting up a new channel: state and the phase timer. */
	CHANNEL_INIT,

	/** Address resolution started. */
	RESOLVE_START,

	/** Address resolution ended. */
	RESOLVE_END,

	/** TCP connect started or ended. */
	CONNECT,

	/** TLS handshake ended. */
	TLS,

	/** A connection was handed to a request, new or pooled. */
	ACQUIRED,

	/**
	 * The request was bound to its connection (HTTP/2: its stream opened): its facts are taken, its span
	 * gets the phase events.
	 */
	CONFIGURED,

	/** The response started: its headers arrived. */
	RESPONSE,

	/** The connection went back to the pool (HTTP/2: one of its streams closed). */
	RELEASED,

	/** The connection closed. */
	CLOSED,

	/** The pool asked whether to evict an idle connection. */
	EVICTION,

	/** The request's observation stopped: its facts go onto the span. */
	SPAN

}
