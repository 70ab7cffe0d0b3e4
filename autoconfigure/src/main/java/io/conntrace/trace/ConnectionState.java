package io.conntrace.trace;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import org.jspecify.annotations.Nullable;

/**
 * What conntrace knows about one connection. It lives on the Netty channel's attributes, so it is
 * reclaimed with the channel and no map keyed by connection can grow. Times are {@link System#nanoTime()}
 * values, 0 meaning "did not happen". The fields are volatile because the resolver's callback and the
 * pool's release can run on another thread than the channel's event loop.
 */
final class ConnectionState {

	static final AttributeKey<ConnectionState> KEY = AttributeKey.valueOf("conntrace.connection");

	final String id;

	/** False when the remote host was given as an IP address, so no name was resolved. */
	final boolean resolvesName;

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

	/** When the current request got the connection, new or pooled. */
	volatile long acquired;

	/** When the connection last went back to the pool. */
	volatile long released;

	/** Requests this connection has carried; one request at a time on HTTP/1.1, so no atomics. */
	volatile int requests;

	private ConnectionState(String id, boolean resolvesName) {
		this.id = id;
		this.resolvesName = resolvesName;
		this.created = System.nanoTime();
	}

	static ConnectionState attach(Channel channel, boolean resolvesName) {
		ConnectionState state = new ConnectionState(channel.id().asShortText(), resolvesName);
		channel.attr(KEY).set(state);
		return state;
	}

	static @Nullable ConnectionState of(Channel channel) {
		return channel.attr(KEY).get();
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
