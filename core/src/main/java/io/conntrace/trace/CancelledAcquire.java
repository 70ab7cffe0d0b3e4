package io.conntrace.trace;

import java.net.URI;

import org.jspecify.annotations.Nullable;
import reactor.netty.http.client.HttpClientConfig;

import static io.conntrace.trace.ConnectionSpanAttributes.ACQUIRE;
import static io.conntrace.trace.ConnectionSpanAttributes.ACQUIRE_CANCELLED_IN;
import static io.conntrace.trace.ConnectionSpanAttributes.CONNECT;
import static io.conntrace.trace.ConnectionSpanAttributes.DNS;
import static io.conntrace.trace.ConnectionSpanAttributes.POOL_WAIT;
import static io.conntrace.trace.ConnectionSpanAttributes.TLS;

/**
 * The facts of a request cancelled before it got its connection: where its acquire was (see
 * {@link #phase()}), how long it had run, and the phases of the connection being opened for it that had
 * completed. Taken at the cancel, written onto the span as the observation stops. Immutable.
 */
final class CancelledAcquire {

	static final Class<CancelledAcquire> KEY = CancelledAcquire.class;

	/** The values of {@code conntrace.acquire.cancelled_in} and of the counter's {@code phase} tag. */
	static final String POOL = "pool";

	static final String DNS_PHASE = "dns";

	static final String CONNECT_PHASE = "connect";

	static final String TLS_PHASE = "tls";

	private final String phase;

	private final String host;

	private final int port;

	private final long acquire;

	private final long poolWait;

	private final long dns;

	private final long connect;

	private final long tls;

	/** Whether the request's span records them; else only a log asked for them. */
	final boolean spanned;

	/**
	 * @param start the request's acquire
	 * @param now when it was cancelled
	 * @param config the request's configuration, for its server when no connection was being opened for it
	 * @param spanned whether the request's span records (else only a log wants the facts)
	 */
	CancelledAcquire(AcquireStart start, long now, @Nullable HttpClientConfig config, boolean spanned) {
		this.spanned = spanned;
		ConnectionState dial = start.dial;
		this.phase = phase(dial);
		this.acquire = now - start.nanos;
		this.poolWait = AcquireStart.poolWaitNanos(start, start.nanos, false, false, now);
		if (dial != null) {
			this.host = dial.host;
			this.port = dial.port;
			this.dns = dial.dnsNanos();
			this.connect = dial.connectNanos();
			this.tls = dial.tlsNanos();
		}
		else {
			URI uri = RequestTarget.uri(config);
			this.host = (uri != null) ? RequestServer.host(uri) : "";
			this.port = (uri != null) ? RequestServer.port(uri) : 0;
			this.dns = -1;
			this.connect = -1;
			this.tls = -1;
		}
	}

	/**
	 * The phase the acquire was in: {@code pool} before any connection was being opened for it (queued, or
	 * the pool setting up) and after it was ready (being handed over); else the first phase of the dial
	 * that had not completed.
	 */
	private static String phase(@Nullable ConnectionState dial) {
		if (dial == null) {
			return POOL;
		}
		if (dial.resolvesName && dial.resolveEnd == 0) {
			return DNS_PHASE;
		}
		if (dial.connectEnd == 0) {
			return CONNECT_PHASE;
		}
		// Connected but not usable yet: only a TLS handshake runs in between.
		return (dial.tlsEnd == 0 && dial.established == 0) ? TLS_PHASE : POOL;
	}

	String phase() {
		return this.phase;
	}

	String host() {
		return this.host;
	}

	int port() {
		return this.port;
	}

	long acquireNanos() {
		return this.acquire;
	}

	/** The facts as {@code key=value} pairs for a log line (see {@link RequestLog}). */
	void writeLogTo(StringBuilder line) {
		line.append("cancelled_in=").append(this.phase);
		RequestFacts.logDuration(line, "wait_ms", this.poolWait);
		RequestFacts.logDuration(line, "dns_ms", this.dns);
		RequestFacts.logDuration(line, "connect_ms", this.connect);
		RequestFacts.logDuration(line, "tls_ms", this.tls);
		RequestFacts.logDuration(line, "acquire_ms", this.acquire);
	}

	void writeTo(FactWriter attributes) {
		attributes.text(ACQUIRE_CANCELLED_IN.asString(), this.phase);
		attributes.millis(ACQUIRE, this.acquire);
		if (this.poolWait >= 0) {
			attributes.millis(POOL_WAIT, this.poolWait);
		}
		if (this.dns >= 0) {
			attributes.millis(DNS, this.dns);
		}
		if (this.connect >= 0) {
			attributes.millis(CONNECT, this.connect);
		}
		if (this.tls >= 0) {
			attributes.millis(TLS, this.tls);
		}
	}

}
