package io.conntrace.pool;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import io.conntrace.internal.QueuedAcquires;
import io.conntrace.trace.ConnectionInfo;
import io.conntrace.trace.RequestServer;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.client.HttpConnectionPoolMetrics;
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

	/** Reactor Netty's gauges by pool id: one per pool of the application that calls this server, and HTTP/2's. */
	private final Map<String, Registered> pools = new ConcurrentHashMap<>();

	private final ArrayDeque<PoolEvent> events = new ArrayDeque<>(PoolActivity.RECENT_EVENTS);

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

	private record Registered(String name, ConnectionPoolMetrics metrics) {
	}

	/**
	 * Reactor Netty's gauges of the named pool's connections to this server, {@code null} until that pool
	 * registered them. Reactor Netty keeps the connections of clients whose settings differ in separate pools
	 * under one name; with more than one, which of them a request used cannot be told: {@code null}.
	 * @param poolName the pool's name
	 */
	public @Nullable ConnectionPoolMetrics connectionPool(String poolName) {
		ConnectionPoolMetrics found = null;
		for (Registered pool : this.pools.values()) {
			if (pool.name().equals(poolName) && !(pool.metrics() instanceof HttpConnectionPoolMetrics)) {
				if (found != null) {
					return null;
				}
				found = pool.metrics();
			}
		}
		return found;
	}

	/** Reactor Netty's gauges of every pool's connections to this server (HTTP/2 stream pools aside). */
	public List<ConnectionPoolMetrics> connectionPools() {
		return this.pools.values()
			.stream()
			.map(Registered::metrics)
			.filter((metrics) -> !(metrics instanceof HttpConnectionPoolMetrics))
			.toList();
	}

	/** Reactor Netty's gauges of the HTTP/2 stream pools to this server, empty without one. */
	public List<HttpConnectionPoolMetrics> streamPools() {
		return this.pools.values()
			.stream()
			.map(Registered::metrics)
			.filter(HttpConnectionPoolMetrics.class::isInstance)
			.map(HttpConnectionPoolMetrics.class::cast)
			.toList();
	}

	/**
	 * How long its longest-queued request has waited so far: -1 if none is queued, another negative value if that
	 * cannot be told (more requests queued in the JVM at once than conntrace lists).
	 */
	public long longestWaitNanos() {
		return QueuedAcquires.longestWaitNanos(this.host, this.port);
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

	void pool(String poolName, String id, ConnectionPoolMetrics metrics) {
		this.pools.put(id, new Registered(poolName, metrics));
	}

	/**
	 * The names of the pools that hold connections to this server (conntrace's, the gateway's), as each
	 * registered its gauges; empty until one has, or once all are gone.
	 */
	public Set<String> poolNames() {
		return this.pools.values().stream().map(Registered::name).collect(Collectors.toUnmodifiableSet());
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

}
