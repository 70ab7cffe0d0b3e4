package io.conntrace.trace;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.client.HttpClientRequest;

/**
 * What conntrace knows about one connection. It lives on the Netty channel's attributes, so it is
 * reclaimed with the channel and no map keyed by connection can grow. Times are {@link System#nanoTime()}
 * values, 0 meaning "did not happen". The fields are volatile because the resolver's callback and the
 * pool's release can run on another thread than the channel's event loop.
 */
final class ConnectionState implements ConnectionInfo {

	static final AttributeKey<ConnectionState> KEY = AttributeKey.valueOf("conntrace.connection");

	final String id;

	/** The host the request named, never the resolved address; and the remote port. */
	final String host;

	final int port;

	/** False when the remote host was given as an IP address, so no name was resolved. */
	final boolean resolvesName;

	final ConnectionListener listener;

	/** When the pool created the channel: the end of any wait for a pool slot. */
	final long created;

	volatile long resolveStart;

	volatile long resolveEnd;

	volatile long connectStart;

	volatile long connectEnd;

	volatile long tlsEnd;

	volatile @Nullable Boolean tlsResumed;

	/** When the connection became usable: connected and, for TLS, handshaken. */
	volatile long established;

	/**
	 * When the current request got the connection, new or pooled; on HTTP/2, when the connection was
	 * established (each stream takes its own moment, see {@code Http2Streams}).
	 */
	volatile long acquired;

	/** When the connection last went back to the pool; on HTTP/2, when its last open stream ended. */
	volatile long released;

	/**
	 * Requests (HTTP/2: streams) this connection has carried. Written only on the connection's event loop,
	 * which its HTTP/2 streams share, so no atomics.
	 */
	volatile int requests;

	/**
	 * Whether the connection was opened for a request cancelled before it got it, and went to the pool
	 * instead: its first request finds it open, as any reused connection.
	 */
	volatile boolean keptDial;

	/** Whether the connection speaks HTTP/2, set when its first stream opens. */
	volatile boolean http2;

	/** HTTP/2 streams open on the connection now; confined to its event loop. */
	int openStreams;

	/**
	 * HTTP/2: how long the connection had been idle before the first of the streams open now, -1 for a new
	 * connection or when unknown: a stream opened beside others in a burst met the connection as the burst's first
	 * did. Confined to its event loop.
	 */
	long burstIdleNanos = -1;

	/** HTTP/2: the lowest last-stream id the server's GOAWAYs named; {@link Integer#MAX_VALUE} until one came. */
	volatile int goAwayLastStreamId = Integer.MAX_VALUE;

	/** Refusals kept: a stream is judged when it fails, just after its refusal, so a few are plenty. */
	private static final int REFUSED_KEPT = 16;

	/** HTTP/2: the ids of the last streams the server refused; made on the first refusal, replaced on each. */
	private volatile int @Nullable [] refusedStreams;

	/**
	 * Whether the connection became HTTP/2 through an h2c upgrade: the upgrade request's stream is not
	 * seen, so streams in flight and idle times on it are unknown.
	 */
	boolean upgraded;

	/** The socket's local port, set when it is established. */
	volatile int localPort;

	/** The negotiated TLS version ({@code 1.3}), set when it is established; {@code null} without TLS. */
	volatile @Nullable String tlsVersion;

	/**
	 * The HTTP/1.1 request bound to it now, kept as Reactor Netty's own object so that a request pays
	 * nothing for it: its method and path are read only when someone asks.
	 */
	volatile @Nullable HttpClientRequest currentRequest;

	/**
	 * The stale-connection record of the HTTP/1.1 request bound to it now, so the response marks it without
	 * searching the request's context again; {@code null} between requests or when the request has none.
	 * Not volatile: set, read and cleared on the connection's event loop only. Cleared when an h2c upgrade turns
	 * the connection to HTTP/2.
	 */
	@Nullable RequestAttempts currentAttempts;

	/** The idle timeout the server announced in {@code Keep-Alive: timeout=N}, in millis; 0 when none. */
	volatile long serverIdleTimeoutMillis;

	/**
	 * The announced timeout {@link ConnectionEviction} last compared with the pool's max idle time: the pool
	 * asks on every acquire, the comparison (and its warning) is needed once per value.
	 */
	volatile long comparedServerTimeoutMillis;

	/** Why the pool closed it, set by {@link ConnectionEviction} before the close. */
	volatile @Nullable CloseReason evicted;

	volatile boolean closedByClient;

	volatile boolean failed;

	/** Set once the close was reported, by whichever of close and inactive came first. */
	boolean closeReported;

	/**
	 * The span attributes that never change for this connection (its id, protocol version, peer and TLS),
	 * as key and value pairs, made on its first request and shared by every later one (a reused request
	 * then allocates nothing for them); made again once if an h2c upgrade turns it to HTTP/2. Written only
	 * when a request is bound, on the channel's event loop.
	 */
	String @Nullable [] fixedAttributes;

	private ConnectionState(String id, String host, int port, boolean resolvesName, ConnectionListener listener) {
		this.id = id;
		this.host = host;
		this.port = port;
		this.resolvesName = resolvesName;
		this.listener = listener;
		this.created = System.nanoTime();
	}

	static ConnectionState attach(Channel channel, String host, int port, boolean resolvesName,
			ConnectionListener listener) {
		ConnectionState state = new ConnectionState(channel.id().asShortText(), host, port, resolvesName, listener);
		channel.attr(KEY).set(state);
		return state;
	}

	CloseReason closeReason() {
		CloseReason evicted = this.evicted;
		if (evicted != null) {
			return evicted;
		}
		if (this.failed) {
			return CloseReason.ERROR;
		}
		return this.closedByClient ? CloseReason.CLIENT_CLOSED : CloseReason.SERVER_CLOSED;
	}

	@Override
	public String id() {
		return this.id;
	}

	@Override
	public String host() {
		return this.host;
	}

	@Override
	public int port() {
		return this.port;
	}

	@Override
	public int localPort() {
		return this.localPort;
	}

	@Override
	public boolean isActive() {
		// HTTP/2: read off its event loop, so a near value; HTTP/1.1: acquired after its last release.
		return this.http2 ? this.openStreams > 0 : this.acquired != 0 && this.acquired >= this.released;
	}

	@Override
	public long ageNanos() {
		long established = this.established;
		return (established != 0) ? System.nanoTime() - established : -1;
	}

	@Override
	public long idleNanos() {
		long released = this.released;
		return (released != 0 && !isActive()) ? System.nanoTime() - released : -1;
	}

	@Override
	public int requests() {
		return this.requests;
	}

	@Override
	public String protocol() {
		return this.http2 ? "2" : "1.1";
	}

	/** The version as OpenTelemetry's {@code tls.protocol.version} names it: {@code TLSv1.3} is {@code 1.3}. */
	static String tlsVersion(String protocol) {
		return protocol.startsWith("TLSv") ? protocol.substring(4) : protocol;
	}

	@Override
	public @Nullable String tlsVersion() {
		return this.tlsVersion;
	}

	@Override
	public @Nullable String currentRequest() {
		HttpClientRequest request = this.currentRequest;
		if (request == null || !isActive()) {
			return null;
		}
		// The path as Reactor Netty parsed it, never the query.
		return request.method().name() + " " + request.fullPath();
	}

	@Override
	public @Nullable String currentRequestMethod() {
		HttpClientRequest request = this.currentRequest;
		return (request != null && isActive()) ? request.method().name() : null;
	}

	@Override
	public long heldNanos() {
		return (isActive() && this.acquired != 0) ? System.nanoTime() - this.acquired : -1;
	}

	/** Whether a stale meeting with this connection was counted: once per connection, however many streams it took. */
	private volatile int staleCounted;

	private static final AtomicIntegerFieldUpdater<ConnectionState> STALE_COUNTED = AtomicIntegerFieldUpdater
		.newUpdater(ConnectionState.class, "staleCounted");

	/** Whether this is the first request to find the connection stale; later ones (its burst's streams) are not. */
	boolean firstToFindItStale() {
		return STALE_COUNTED.compareAndSet(this, 0, 1);
	}

	/** The server's GOAWAY named this last stream: every stream above it was never processed. */
	void goAwayReceived(int lastStreamId) {
		if (lastStreamId < this.goAwayLastStreamId) {
			this.goAwayLastStreamId = lastStreamId;
		}
	}

	/** The server refused this stream; the last {@value #REFUSED_KEPT} refusals are kept. On the event loop. */
	void refused(int streamId) {
		int[] kept = this.refusedStreams;
		int[] next;
		if (kept == null) {
			next = new int[] { streamId };
		}
		else {
			int length = Math.min(kept.length + 1, REFUSED_KEPT);
			next = new int[length];
			next[0] = streamId;
			System.arraycopy(kept, 0, next, 1, length - 1);
		}
		this.refusedStreams = next;
	}

	/** Whether the server refused this stream, among its last refusals. */
	boolean wasRefused(int streamId) {
		int[] kept = this.refusedStreams;
		if (kept != null) {
			for (int id : kept) {
				if (id == streamId) {
					return true;
				}
			}
		}
		return false;
	}

	static @Nullable ConnectionState of(Channel channel) {
		return channel.attr(KEY).get();
	}

	/** How long the connection sat in the pool before the current request, -1 if it never went back. */
	long idleBeforeAcquiredNanos() {
		return (this.released != 0) ? this.acquired - this.released : -1;
	}

	long dnsNanos() {
		return (this.resolvesName && this.resolveStart != 0 && this.resolveEnd != 0)
				? this.resolveEnd - this.resolveStart : -1;
	}

	long connectNanos() {
		return (this.connectStart != 0 && this.connectEnd != 0) ? this.connectEnd - this.connectStart : -1;
	}

	long tlsNanos() {
		return (this.connectEnd != 0 && this.tlsEnd != 0) ? this.tlsEnd - this.connectEnd : -1;
	}

}
