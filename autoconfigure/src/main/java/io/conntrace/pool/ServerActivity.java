package io.conntrace.pool;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.conntrace.trace.ConnectionInfo;
import io.conntrace.trace.ConnectionTracing;
import io.conntrace.trace.RequestServer;
import org.jspecify.annotations.Nullable;
import reactor.netty.resources.ConnectionPoolMetrics;

/**
 * One remote server's pool as conntrace sees it: its open connections (live views, held only while they
 * are open, so bounded by the pool's own limit), Reactor Netty's gauges of its pools, and its last
 * {@value PoolActivity#RECENT_EVENTS} events.
 */
public final class ServerActivity {

	private final String host;

	private final int port;

	private final Set<ConnectionInfo> open = ConcurrentHashMap.newKeySet();

	/** Reactor Netty's pools for this server by pool id: usually one (HTTP/2 adds its stream pool). */
	private final Map<String, ConnectionPoolMetrics> pools = new ConcurrentHashMap<>();

	private final ArrayDeque<PoolEvent> events = new ArrayDeque<>(PoolActivity.RECENT_EVENTS);

	/** When the saturation warning was last logged, in nanos; 0 for never. */
	private volatile long lastWarning;

	ServerActivity(String host, int port) {
		this.host = host;
		this.port = port;
	}

	/** The server as {@code host:port}, the host as requests named it. */
	public String remote() {
		return RequestServer.remote(this.host, this.port);
	}

	public String host() {
		return this.host;
	}

	public int port() {
		return this.port;
	}

	/** Its open connections, longest-held active ones first, then idle ones. */
	public List<ConnectionInfo> connections() {
		// Sorted on values read once: the live views change under a sort, which would then break its contract.
		List<Held> held = new ArrayList<>(this.open.size());
		for (ConnectionInfo connection : this.open) {
			held.add(new Held(connection, connection.isActive() ? connection.heldNanos() : Long.MIN_VALUE));
		}
		held.sort(Comparator.comparingLong(Held::nanos).reversed());
		return held.stream().map(Held::connection).toList();
	}

	private record Held(ConnectionInfo connection, long nanos) {
	}

	/** Reactor Netty's gauges of its connection pool, {@code null} until the pool registered them. */
	public @Nullable ConnectionPoolMetrics connectionPool() {
		for (ConnectionPoolMetrics metrics : this.pools.values()) {
			if (!(metrics instanceof reactor.netty.http.client.HttpConnectionPoolMetrics)) {
				return metrics;
			}
		}
		return null;
	}

	/** Reactor Netty's gauges of its HTTP/2 stream pool, {@code null} without one. */
	public reactor.netty.http.client.@Nullable HttpConnectionPoolMetrics streamPool() {
		for (ConnectionPoolMetrics metrics : this.pools.values()) {
			if (metrics instanceof reactor.netty.http.client.HttpConnectionPoolMetrics streams) {
				return streams;
			}
		}
		return null;
	}

	/** How long its longest-queued request has waited so far, -1 if none is queued. */
	public long longestWaitNanos() {
		return ConnectionTracing.longestWaitNanos(this.host, this.port);
	}

	/** Its recent events, oldest first. */
	public List<PoolEvent> events() {
		synchronized (this.events) {
			return List.copyOf(this.events);
		}
	}

	void opened(ConnectionInfo connection) {
		this.open.add(connection);
	}

	void ended(ConnectionInfo connection) {
		this.open.remove(connection);
	}

	void pool(String id, ConnectionPoolMetrics metrics) {
		this.pools.put(id, metrics);
	}

	void poolGone(String id) {
		this.pools.remove(id);
	}

	void event(String type, String detail) {
		PoolEvent event = new PoolEvent(System.currentTimeMillis(), type, detail);
		synchronized (this.events) {
			if (this.events.size() == PoolActivity.RECENT_EVENTS) {
				this.events.removeFirst();
			}
			this.events.addLast(event);
		}
	}

	/** Whether a saturation warning may be logged now: at most one per interval. */
	boolean warningDue(long now, long intervalNanos) {
		synchronized (this.events) {
			long last = this.lastWarning;
			if (last != 0 && now - last < intervalNanos) {
				return false;
			}
			this.lastWarning = now;
			return true;
		}
	}

}
