package io.conntrace.trace;

/**
 * Events (Zipkin annotations) conntrace puts on a request's client span, each stamped with the
 * moment its phase ended, so the span's timeline shows where the time went.
 */
public enum ConnectionSpanEvents {

	/** Address resolution of a new connection ended. */
	DNS("conntrace.dns"),

	/** TCP connect of a new connection ended. */
	CONNECT("conntrace.connect"),

	/** TLS handshake of a new connection ended. */
	TLS("conntrace.tls"),

	/** The request had a connection, new or pooled, ready to use. */
	ACQUIRED("conntrace.acquired"),

	/** The first attempt failed on a stale connection and the request was sent again. */
	RETRY("conntrace.retry");

	private final String name;

	ConnectionSpanEvents(String name) {
		this.name = name;
	}

	/**
	 * Return the event's name as it appears on the span.
	 * @return the event name
	 */
	public String asString() {
		return this.name;
	}

}
