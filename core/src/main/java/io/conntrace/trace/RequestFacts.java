package io.conntrace.trace;

import org.jspecify.annotations.Nullable;

import static io.conntrace.trace.ConnectionSpanAttributes.ACQUIRE;
import static io.conntrace.trace.ConnectionSpanAttributes.CONNECT;
import static io.conntrace.trace.ConnectionSpanAttributes.CONNECTION_AGE;
import static io.conntrace.trace.ConnectionSpanAttributes.CONNECTION_IDLE;
import static io.conntrace.trace.ConnectionSpanAttributes.CONNECTION_REQUESTS;
import static io.conntrace.trace.ConnectionSpanAttributes.CONNECTION_REUSED;
import static io.conntrace.trace.ConnectionSpanAttributes.DNS;
import static io.conntrace.trace.ConnectionSpanAttributes.HTTP2_STREAMS_IN_FLIGHT;
import static io.conntrace.trace.ConnectionSpanAttributes.POOL_WAIT;
import static io.conntrace.trace.ConnectionSpanAttributes.SETUP;
import static io.conntrace.trace.ConnectionSpanAttributes.TLS;

/**
 * One request's connection facts, in nanoseconds (-1: did not happen or unknown), taken when the
 * request is bound to its connection and held by the request's observation until
 * {@link ConnectionSpanFilter} writes them onto the span as the observation stops. Written at the end,
 * not when bound: a later hop (a redirect, Reactor Netty's own retry) replaces the facts of the earlier
 * one, whereas a span's tags cannot be taken back once written. Immutable, so whichever thread stops
 * the observation sees them whole.
 */
final class RequestFacts {

	static final Class<RequestFacts> KEY = RequestFacts.class;

	/** The ordinals most connections see, made once. */
	private static final String[] ORDINALS = new String[128];

	static {
		for (int i = 0; i < ORDINALS.length; i++) {
			ORDINALS[i] = Integer.toString(i);
		}
	}

	private final int ordinal;

	private final boolean reused;

	/** Key and value pairs that never change for the connection (its id first), shared by its requests. */
	private final String[] fixed;

	private final long idle;

	private final long age;

	private final long acquire;

	private final long poolWait;

	private final long setup;

	private final long dns;

	private final long connect;

	private final long tls;

	private final int streamsInFlight;

	/** Whether the request's span records them; else only a log asked for them. */
	final boolean spanned;

	/** The check of the {@link ConnectionTracing} that took them, told when its filter writes them. */
	final FilterCheck filterCheck;

	/**
	 * Take the facts of the connection a request (or a later hop of it) was just bound to.
	 * @param state the connection's state
	 * @param fixed the connection's unchanging attributes
	 * @param ordinal the request's ordinal on the connection (HTTP/2: its stream's), 1 for the first
	 * @param reused whether the connection was open before the request asked for it
	 * @param acquired when the request got its connection or stream
	 * @param idle how long the connection had been idle before, -1 if new, not idle or unknown
	 * @param acquire acquire time, -1 if unknown
	 * @param poolWait pool wait, -1 if unknown
	 * @param streamsInFlight other HTTP/2 streams open on the connection when this one opened, -1 on HTTP/1.1
	 * @param spanned whether the request's span records (else only a log wants the facts)
	 * @param filterCheck the check to tell when the filter writes them
	 */
	RequestFacts(ConnectionState state, String[] fixed, int ordinal, boolean reused, long acquired, long idle,
			long acquire, long poolWait, int streamsInFlight, boolean spanned, FilterCheck filterCheck) {
		this.spanned = spanned;
		this.filterCheck = filterCheck;
		this.ordinal = ordinal;
		this.reused = reused;
		this.fixed = fixed;
		this.idle = idle;
		this.streamsInFlight = streamsInFlight;
		this.age = (reused && state.established != 0) ? acquired - state.established : -1;
		this.dns = reused ? -1 : state.dnsNanos();
		this.connect = reused ? -1 : state.connectNanos();
		this.tls = reused ? -1 : state.tlsNanos();
		this.acquire = acquire;
		this.poolWait = poolWait;
		this.setup = (acquire >= 0 && poolWait >= 0)
				? Math.max(0, acquire - poolWait - positive(this.dns) - positive(this.connect) - positive(this.tls)) : -1;
	}

	private static long positive(long nanos) {
		return Math.max(nanos, 0);
	}

	/** Hand every attribute of {@link ConnectionSpanAttributes} this request has to the given writer. */
	void writeTo(FactWriter attributes) {
		attributes.flag(CONNECTION_REUSED, this.reused);
		for (int i = 0; i < this.fixed.length; i += 2) {
			attributes.text(this.fixed[i], this.fixed[i + 1]);
		}
		attributes.count(CONNECTION_REQUESTS, this.ordinal);
		if (this.streamsInFlight >= 0) {
			attributes.count(HTTP2_STREAMS_IN_FLIGHT, this.streamsInFlight);
		}
		duration(attributes, CONNECTION_IDLE, this.idle);
		duration(attributes, CONNECTION_AGE, this.age);
		duration(attributes, DNS, this.dns);
		duration(attributes, CONNECT, this.connect);
		duration(attributes, TLS, this.tls);
		if (this.acquire >= 0) {
			if (this.poolWait == this.acquire) {
				// All of the acquire was waiting (a stream behind others, a queued request): one value serves both.
				attributes.sameMillis(ACQUIRE, POOL_WAIT, this.acquire);
				duration(attributes, SETUP, this.setup);
			}
			else if (this.setup == this.acquire) {
				// A pooled connection handed over at once, the common case: no wait, the acquire was the handover.
				attributes.sameMillis(ACQUIRE, SETUP, this.acquire);
				attributes.millis(POOL_WAIT, this.poolWait);
			}
			else {
				attributes.millis(ACQUIRE, this.acquire);
				duration(attributes, POOL_WAIT, this.poolWait);
				duration(attributes, SETUP, this.setup);
			}
		}
	}

	long acquireNanos() {
		return this.acquire;
	}

	/** The facts as {@code key=value} pairs for a log line (see {@link RequestLog}). */
	void writeLogTo(StringBuilder line) {
		line.append("reused=").append(this.reused);
		String id = fixed(ConnectionSpanAttributes.CONNECTION_ID);
		line.append(" conn=").append(id).append('#').append(this.ordinal);
		line.append(" protocol=").append(fixed(ConnectionSpanAttributes.NETWORK_PROTOCOL_VERSION));
		String tls = fixed(ConnectionSpanAttributes.TLS_PROTOCOL_VERSION);
		if (tls != null) {
			line.append(" tls=").append(tls);
		}
		logDuration(line, "idle_ms", this.idle);
		logDuration(line, "wait_ms", this.poolWait);
		logDuration(line, "setup_ms", this.setup);
		logDuration(line, "dns_ms", this.dns);
		logDuration(line, "connect_ms", this.connect);
		logDuration(line, "tls_ms", this.tls);
		logDuration(line, "acquire_ms", this.acquire);
	}

	static void logDuration(StringBuilder line, String key, long nanos) {
		if (nanos >= 0) {
			line.append(' ').append(key).append('=').append(Millis.format(nanos));
		}
	}

	private @Nullable String fixed(ConnectionSpanAttributes attribute) {
		for (int i = 0; i < this.fixed.length; i += 2) {
			if (this.fixed[i].equals(attribute.asString())) {
				return this.fixed[i + 1];
			}
		}
		return null;
	}

	/** A count as text, without allocating for the small ones most requests have. */
	static String countText(int n) {
		return (n >= 0 && n < ORDINALS.length) ? ORDINALS[n] : Integer.toString(n);
	}

	private static void duration(FactWriter attributes, ConnectionSpanAttributes attribute, long nanos) {
		if (nanos >= 0) {
			attributes.millis(attribute, nanos);
		}
	}

}
