package io.conntrace.trace;

import java.util.HashMap;
import java.util.Map;

import io.micrometer.common.docs.KeyName;
import org.jspecify.annotations.Nullable;

/**
 * Attributes conntrace puts on a request's client span. The connection's facts are written straight
 * onto the tracing span as the request's observation stops (high-cardinality key values when there is
 * no tracing span), the {@code conntrace.retry*} ones are high-cardinality key values: either way none
 * becomes a tag of the {@code http.client.requests} timer. Durations are milliseconds written with
 * three fraction digits, for example {@code 12.345}. The names are a public contract.
 */
public enum ConnectionSpanAttributes implements KeyName {

	/**
	 * Whether the request ran on a connection an earlier request already used; on HTTP/2 true for every
	 * stream after the first on its connection, concurrent ones included. Always present.
	 */
	CONNECTION_REUSED("conntrace.connection.reused", Type.BOOLEAN),

	/**
	 * Netty channel id (short text) of the connection the request used: on HTTP/2 the TCP connection,
	 * the same for all its streams. Always present.
	 */
	CONNECTION_ID("conntrace.connection.id", Type.TEXT),

	/** Ordinal of this request (HTTP/2: stream) on its connection, 1 for the first. Always present. */
	CONNECTION_REQUESTS("conntrace.connection.requests", Type.INTEGER),

	/**
	 * How long the connection sat idle in the pool before this request. Reused connections only; on HTTP/2
	 * only when no other stream was open on it (the time since its last stream ended).
	 */
	CONNECTION_IDLE("conntrace.connection.idle_ms", Type.MILLIS),

	/** Time since the connection was established. Reused connections only. */
	CONNECTION_AGE("conntrace.connection.age_ms", Type.MILLIS),

	/**
	 * From asking the pool for a connection until one was ready; for a new connection this includes
	 * DNS, connect and TLS. On HTTP/2, until the request's stream could be opened. Always present.
	 */
	ACQUIRE("conntrace.acquire_ms", Type.MILLIS),

	/**
	 * Part of acquire spent queued for a free pool slot (HTTP/2: for a stream slot or for a connection
	 * another request was opening); 0 for a request that was served at once. Known where the pool reports
	 * its waits (pools conntrace builds, or given {@code ConnectionTracing.pendingAcquireTimer()}); with
	 * other pools only on reused connections, where it is the whole acquire.
	 */
	POOL_WAIT("conntrace.pool.wait_ms", Type.MILLIS),

	/**
	 * The part of acquire that was neither waiting for the pool nor DNS, connect or TLS: creating the pool
	 * and the channel, handing the connection over; in a cold JVM mostly loading classes. Together with
	 * those it adds up to acquire. Present whenever pool wait is.
	 */
	SETUP("conntrace.setup_ms", Type.MILLIS),

	/**
	 * Where the acquire was when the request was cancelled before it got its connection: {@code pool}
	 * (queued or not yet dialling, or the new connection was being handed over), {@code dns},
	 * {@code connect} or {@code tls}. Cancelled requests only, with acquire up to the cancel and the phases
	 * that had completed.
	 */
	ACQUIRE_CANCELLED_IN("conntrace.acquire.cancelled_in", Type.TEXT),

	/** Address resolution time. New connections that resolved a host name only. */
	DNS("conntrace.dns_ms", Type.MILLIS),

	/** TCP connect time. New connections only. */
	CONNECT("conntrace.connect_ms", Type.MILLIS),

	/** TLS handshake time. New TLS connections only. */
	TLS("conntrace.tls_ms", Type.MILLIS),

	/** HTTP version the request ran on, {@code 1.1} or {@code 2} (OpenTelemetry name). Always present. */
	NETWORK_PROTOCOL_VERSION("network.protocol.version", Type.TEXT),

	/** Other streams open on the connection when this request's stream opened. HTTP/2 only. */
	HTTP2_STREAMS_IN_FLIGHT("conntrace.http2.streams_in_flight", Type.INTEGER),

	/** Remote IP address actually connected (OpenTelemetry name). Always present. */
	NETWORK_PEER_ADDRESS("network.peer.address", Type.TEXT),

	/** Remote port actually connected (OpenTelemetry name). Always present. */
	NETWORK_PEER_PORT("network.peer.port", Type.INTEGER),

	/** Negotiated TLS version, for example {@code 1.3} (OpenTelemetry name). TLS only. */
	TLS_PROTOCOL_VERSION("tls.protocol.version", Type.TEXT),

	/** Negotiated cipher suite (OpenTelemetry name). TLS only. */
	TLS_CIPHER("tls.cipher", Type.TEXT),

	/**
	 * Why the request was sent again ({@link RetryCause}): {@code stale-connection}, or on HTTP/2 {@code goaway}
	 * or {@code refused-stream}. Retried requests only.
	 */
	RETRY("conntrace.retry", Type.TEXT),

	/** Netty channel id of the connection the first attempt ran on. Retried requests only. */
	RETRY_FIRST_CONNECTION_ID("conntrace.retry.first_connection.id", Type.TEXT),

	/**
	 * How long that connection had been idle before the first attempt (HTTP/2: before the first stream of the
	 * attempt's burst). Retried requests whose connection had been idle only.
	 */
	RETRY_FIRST_CONNECTION_IDLE("conntrace.retry.first_connection.idle_ms", Type.MILLIS),

	/**
	 * Whether the TLS session was resumed rather than fully negotiated (OpenTelemetry name). TLS only.
	 * Judged by the session predating the connection's handshake, as the JDK exposes no flag.
	 */
	TLS_RESUMED("tls.resumed", Type.BOOLEAN);

	private static final Map<String, ConnectionSpanAttributes> BY_NAME = new HashMap<>();

	static {
		for (ConnectionSpanAttributes attribute : values()) {
			BY_NAME.put(attribute.name, attribute);
		}
	}

	private final String name;

	private final Type type;

	ConnectionSpanAttributes(String name, Type type) {
		this.name = name;
		this.type = type;
	}

	@Override
	public String asString() {
		return this.name;
	}

	/**
	 * Return the type of the attribute's value on a tracer that keeps types (OpenTelemetry). Through one
	 * that keeps only text (Brave, Zipkin), and as a key value, every value is text.
	 * @return the value's type
	 */
	public Type type() {
		return this.type;
	}

	static @Nullable ConnectionSpanAttributes named(String name) {
		return BY_NAME.get(name);
	}

	/** The type of an attribute's value where the tracer keeps types. */
	public enum Type {

		/** A string. */
		TEXT,

		/** A boolean; as text {@code true} or {@code false}. */
		BOOLEAN,

		/** A whole number (a long); as text its decimal digits. */
		INTEGER,

		/** Milliseconds as a double, to the nanosecond; as text with three fraction digits, {@code 12.345}. */
		MILLIS

	}

}
