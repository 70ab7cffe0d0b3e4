package io.conntrace.metrics;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import reactor.netty.http.client.HttpConnectionPoolMetrics;
import reactor.netty.resources.ConnectionPoolMetrics;
import reactor.netty.resources.ConnectionProvider;

import static io.conntrace.metrics.ConnectionMeterNames.OPEN_CONNECTIONS;
import static io.conntrace.metrics.ConnectionMeterNames.POOL;
import static io.conntrace.metrics.ConnectionMeterNames.POOL_STREAMS;
import static io.conntrace.metrics.ConnectionMeterNames.Tags.CONNECTION_STATE;
import static io.conntrace.metrics.ConnectionMeterNames.Tags.POOL_ID;
import static io.conntrace.metrics.ConnectionMeterNames.Tags.POOL_NAME;
import static io.conntrace.metrics.ConnectionMeterNames.Tags.REMOTE_ADDRESS;

/**
 * Binds a Reactor Netty pool's gauges to a given registry, one set per remote address, and removes
 * them when Reactor Netty disposes that pool. Reactor Netty's own registrar uses Micrometer's global
 * registry, which every application context in the JVM shares; this one keeps each application's
 * pool in that application's registry. Remote addresses are capped like {@code server.address}: the
 * pool of a server beyond the cap gets no gauges, as each pool's gauges carry its own {@code id} and
 * would otherwise multiply with the number of hosts.
 */
public final class PoolMeterRegistrar implements ConnectionProvider.MeterRegistrar {

	private final MeterRegistry registry;

	private final ServerTags<Tags> servers;

	private final Map<String, List<Meter>> registered = new ConcurrentHashMap<>();

	/**
	 * Create a registrar for the given registry. Give a pool this one instance ({@code metrics(true, () ->
	 * registrar)}): Reactor Netty asks the supplier again to remove a pool's gauges, and a new registrar would
	 * know none of them.
	 * @param registry where to register
	 * @param maxServers how many distinct remote addresses get their own tag values
	 */
	public PoolMeterRegistrar(MeterRegistry registry, int maxServers) {
		this.registry = registry;
		this.servers = new ServerTags<>(maxServers, (tags) -> tags);
	}

	@Override
	public void registerMetrics(String poolName, String id, SocketAddress remoteAddress, ConnectionPoolMetrics metrics) {
		Tags server = serverTags(remoteAddress);
		String remote = server.stream()
			.filter((tag) -> tag.getKey().equals(ConnectionMeterNames.Tags.SERVER_ADDRESS.asString()))
			.findFirst()
			.map((tag) -> tag.getValue())
			.orElse(ServerTags.OTHER);
		if (ServerTags.OTHER.equals(remote)) {
			return;
		}
		Tags pool = Tags.of(POOL_ID.asString(), id, POOL_NAME.asString(), poolName, REMOTE_ADDRESS.asString(), remote);
		if (metrics instanceof HttpConnectionPoolMetrics http2) {
			// An HTTP/2 pool holds connections it took from its parent pool, whose gauges count them already
			// (active while the HTTP/2 pool holds them): here only what they carry.
			this.registered.put(key(poolName, id, remoteAddress), List.of(
					gauge(POOL_STREAMS, "active.streams", "HTTP/2 streams open", pool, http2,
							HttpConnectionPoolMetrics::activeStreamSize),
					gauge(POOL_STREAMS, "pending.streams", "Requests waiting for an HTTP/2 stream", pool, http2,
							ConnectionPoolMetrics::pendingAcquireSize)));
			return;
		}
		// The pool id too: one provider can hold several pools for a host (different client settings).
		Tags open = server.and(POOL_NAME.asString(), poolName, POOL_ID.asString(), id);
		List<Meter> meters = List.of(
				gauge("total.connections", "Connections open, active or idle", pool, metrics,
						ConnectionPoolMetrics::allocatedSize),
				gauge("active.connections", "Connections in use by a request", pool, metrics,
						ConnectionPoolMetrics::acquiredSize),
				gauge("idle.connections", "Connections idle in the pool", pool, metrics, ConnectionPoolMetrics::idleSize),
				gauge("pending.connections", "Requests waiting for a connection", pool, metrics,
						ConnectionPoolMetrics::pendingAcquireSize),
				gauge("max.connections", "Most connections the pool may open", pool, metrics,
						ConnectionPoolMetrics::maxAllocatedSize),
				gauge("max.pending.connections", "Most requests that may wait for a connection", pool, metrics,
						ConnectionPoolMetrics::maxPendingAcquireSize),
				Gauge.builder(OPEN_CONNECTIONS.getName(), metrics, ConnectionPoolMetrics::acquiredSize)
					.description("Open connections by state")
					.baseUnit(OPEN_CONNECTIONS.getBaseUnit())
					.tags(open.and(CONNECTION_STATE.asString(), "active"))
					.strongReference(true)
					.register(this.registry),
				Gauge.builder(OPEN_CONNECTIONS.getName(), metrics, ConnectionPoolMetrics::idleSize)
					.description("Open connections by state")
					.baseUnit(OPEN_CONNECTIONS.getBaseUnit())
					.tags(open.and(CONNECTION_STATE.asString(), "idle"))
					.strongReference(true)
					.register(this.registry));
		this.registered.put(key(poolName, id, remoteAddress), meters);
	}

	@Override
	public void deRegisterMetrics(String poolName, String id, SocketAddress remoteAddress) {
		List<Meter> meters = this.registered.remove(key(poolName, id, remoteAddress));
		if (meters != null) {
			meters.forEach(this.registry::remove);
		}
	}

	private Meter gauge(String suffix, String description, Tags tags, ConnectionPoolMetrics metrics,
			ToDoubleFunction<ConnectionPoolMetrics> value) {
		return gauge(POOL, suffix, description, tags, metrics, value);
	}

	private <M extends ConnectionPoolMetrics> Meter gauge(ConnectionMeterNames meter, String suffix,
			String description, Tags tags, M metrics, ToDoubleFunction<M> value) {
		return Gauge.builder(meter.getName().formatted(suffix), metrics, value)
			.description(description)
			.baseUnit(meter.getBaseUnit())
			.tags(tags)
			.strongReference(true)
			.register(this.registry);
	}

	private Tags serverTags(SocketAddress remoteAddress) {
		if (remoteAddress instanceof InetSocketAddress address) {
			return this.servers.get(address.getHostString(), address.getPort());
		}
		return this.servers.get(remoteAddress.toString(), 0);
	}

	private static String key(String poolName, String id, SocketAddress remoteAddress) {
		return poolName + '|' + id + '|' + remoteAddress;
	}

}
