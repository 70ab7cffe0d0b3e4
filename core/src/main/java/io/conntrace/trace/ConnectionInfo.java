package io.conntrace.trace;

import org.jspecify.annotations.Nullable;

/**
 * A live view of one connection conntrace watches, for tools that show what a pool is doing now (the
 * actuator endpoint, the pool-saturation warning). Every read returns the current value; nothing is
 * copied until asked. Durations are nanoseconds, -1 when unknown.
 */
public interface ConnectionInfo {

	/** The Netty channel id (short text), the same as {@code conntrace.connection.id} on spans. */
	String id();

	/** The host the requests named, never the resolved address. */
	String host();

	/** The remote port. */
	int port();

	/** The local port of the socket, 0 if unknown. */
	int localPort();

	/** Whether a request (HTTP/2: a stream) is using it now, rather than it idling in the pool. */
	boolean isActive();

	/** Time since it was established, -1 if it is not yet. */
	long ageNanos();

	/** Time since its last request ended, -1 while in use or if it never carried one. */
	long idleNanos();

	/** Requests (HTTP/2: streams) it has carried. */
	int requests();

	/** {@code 1.1} or {@code 2}. */
	String protocol();

	/** The negotiated TLS version, for example {@code 1.3}; {@code null} without TLS. */
	@Nullable String tlsVersion();

	/**
	 * The HTTP/1.1 request using it now as method and path without the query, for example
	 * {@code GET /orders}; {@code null} when idle, on HTTP/2, or unknown.
	 */
	@Nullable String currentRequest();

	/**
	 * The method of the HTTP/1.1 request using it now, for a view that must not show paths; {@code null} when
	 * {@link #currentRequest()} is.
	 */
	default @Nullable String currentRequestMethod() {
		String request = currentRequest();
		int space = (request != null) ? request.indexOf(' ') : -1;
		return (space > 0) ? request.substring(0, space) : request;
	}

	/** How long the current request has held it, -1 when none. */
	long heldNanos();

}
