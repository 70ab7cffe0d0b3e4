package io.conntrace.autoconfigure.pool;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import io.conntrace.pool.PoolActivity;
import io.conntrace.pool.PoolEvent;
import io.conntrace.pool.ServerActivity;
import io.conntrace.trace.ConnectionInfo;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.client.HttpConnectionPoolMetrics;
import reactor.netty.resources.ConnectionPoolMetrics;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code /actuator/conntrace}: what conntrace's pool is doing now, one entry per remote server: the limits
 * in force, how many connections are active and idle, how many requests wait and the longest wait, every
 * open connection (with the request holding it), and the server's recent events. Read-only; exposed over
 * the web only when the application includes it ({@code management.endpoints.web.exposure.include}). It
 * shows hosts, ports and methods; request paths only as {@code management.endpoint.conntrace.show-values}
 * allows (never, by default); never a URL query, user-info or header value.
 */
@Endpoint(id = "conntrace", defaultAccess = Access.READ_ONLY)
public final class ConntraceEndpoint {

	private final ConntracePool pool;

	private final PoolActivity activity;

	private final Show showValues;

	private final Set<String> roles;

	ConntraceEndpoint(ConntracePool pool, PoolActivity activity, ConntraceEndpointProperties properties) {
		this.pool = pool;
		this.activity = activity;
		this.showValues = Show.valueOf(properties.getShowValues().name());
		this.roles = Set.copyOf(properties.getRoles());
	}

	@ReadOperation
	public Pools pools(SecurityContext securityContext) {
		boolean paths = this.showValues.isShown(securityContext, this.roles);
		List<Pool> pools = new ArrayList<>();
		for (ServerActivity server : this.activity.servers()) {
			pools.add(pool(server, paths));
		}
		pools.sort(Comparator.comparing(Pool::remote));
		return new Pools(pools);
	}

	private Pool pool(ServerActivity server, boolean paths) {
		// Another pool (the gateway's) names itself; its limits are its own properties', not conntrace.pool.*.
		Set<String> names = server.poolNames();
		boolean conntraces = names.isEmpty() || names.equals(Set.of(this.pool.name()));
		PoolLimits limits = conntraces ? this.pool.limitsFor(server.host(), server.port()) : null;
		List<ConnectionInfo> open = server.connections();
		// Summed over the server's pools: its connections cannot be told apart by pool.
		List<ConnectionPoolMetrics> pools = server.connectionPools();
		List<HttpConnectionPoolMetrics> streams = server.streamPools();
		int active = pools.isEmpty() ? (int) open.stream().filter(ConnectionInfo::isActive).count()
				: pools.stream().mapToInt(ConnectionPoolMetrics::acquiredSize).sum();
		int idle = pools.isEmpty() ? open.size() - active : pools.stream().mapToInt(ConnectionPoolMetrics::idleSize).sum();
		int pending = pools.stream().mapToInt(ConnectionPoolMetrics::pendingAcquireSize).sum()
				+ streams.stream().mapToInt(HttpConnectionPoolMetrics::pendingAcquireSize).sum();
		TreeSet<String> protocols = new TreeSet<>();
		open.forEach((connection) -> protocols.add(connection.protocol()));
		if (!streams.isEmpty()) {
			protocols.add("2");
		}
		long longestWait = server.longestWaitNanos();
		return new Pool(server.remote(), conntraces ? this.pool.name() : String.join(", ", new TreeSet<>(names)),
				List.copyOf(protocols),
				(limits != null) ? new Limits(limits.maxConnections(), limits.pendingAcquireMaxCount(),
						limits.pendingAcquireTimeout().toMillis(), limits.maxIdleTime().toMillis(),
						limits.maxLifeTime().toMillis()) : null,
				active, idle, pending, (longestWait >= 0) ? millis(longestWait) : null,
				open.stream().map((connection) -> connection(connection, paths)).toList(),
				server.events().stream().map(ConntraceEndpoint::event).toList());
	}

	private static Connection connection(ConnectionInfo connection, boolean paths) {
		long idle = connection.idleNanos();
		long held = connection.heldNanos();
		long age = connection.ageNanos();
		String request = HeldBy.request(connection, paths);
		return new Connection(connection.id(), connection.isActive() ? "active" : "idle", connection.localPort(),
				(age >= 0) ? millis(age) : null, (idle >= 0) ? millis(idle) : null, connection.requests(),
				connection.protocol(), connection.tlsVersion(), request,
				(held >= 0 && request != null) ? millis(held) : null);
	}

	private static Event event(PoolEvent event) {
		return new Event(Instant.ofEpochMilli(event.timestamp()).toString(), event.type(), event.detail());
	}

	private static double millis(long nanos) {
		return Math.round(nanos / 1_000.0) / 1_000.0;
	}

	/** Every pool conntrace manages, one entry per remote server. */
	public record Pools(List<Pool> pools) {
	}

	/** One remote server's pool. */
	public record Pool(String remote, String name, List<String> protocols, @Nullable Limits limits, int active, int idle,
			int pending, @Nullable Double longestWaitMs, List<Connection> connections, List<Event> recentEvents) {
	}

	/**
	 * The limits in force for the server: its own where {@code conntrace.pool.hosts} gives them. Absent for a
	 * server only another pool (the gateway's) calls: those are that pool's own properties.
	 */
	public record Limits(int maxConnections, int pendingAcquireMaxCount, long pendingAcquireTimeoutMs,
			long maxIdleTimeMs, long maxLifeTimeMs) {
	}

	/** One open connection; {@code id} is the span's {@code conntrace.connection.id}. */
	public record Connection(String id, String state, int localPort, @Nullable Double ageMs, @Nullable Double idleMs,
			int requests, String protocol, @Nullable String tlsVersion, @Nullable String request,
			@Nullable Double heldMs) {
	}

	/** A recent event: stale connections, cancelled acquires, closes by the server, a full pool. */
	public record Event(String time, String type, String detail) {
	}

}
