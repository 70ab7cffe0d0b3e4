package io.conntrace.autoconfigure.pool;

import java.net.InetSocketAddress;
import java.util.Map;

import io.conntrace.trace.ConnectionListener;
import io.conntrace.trace.ConnectionTracing;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;


/**
 * The application's connection pool, built from {@link PoolProperties} and disposed with the
 * application context. Not a {@link ConnectionProvider} bean, so it never competes with a user's own
 * pool for injection by type.
 */
public final class ConntracePool extends PoolLifecycle {

	private final ConnectionProvider provider;

	private final String name;

	private final PoolLimits limits;

	/** Limits of the hosts that have their own, by {@code host:port} as requests name them. */
	private final Map<String, PoolLimits> hostLimits = new java.util.HashMap<>();

	ConntracePool(PoolProperties properties, ConnectionProvider.@Nullable MeterRegistrar registrar,
			ConnectionListener listener) {
		super(listener);
		if (properties.getName() == null || properties.getName().isBlank()) {
			throw new io.conntrace.autoconfigure.InvalidConntracePropertyException("conntrace.pool.name",
					String.valueOf(properties.getName()), "a non-blank name");
		}
		PoolLimits limits = PoolLimits.of(properties);
		ConnectionProvider.MeterRegistrar releasable = releasable(registrar);
		ConnectionProvider.Builder builder = limits.applyTo(ConnectionProvider.builder(properties.getName()),
				releasable);
		for (Map.Entry<String, PoolProperties.HostPool> host : properties.getHosts().entrySet()) {
			InetSocketAddress address = RemoteHost.parse(host.getKey());
			PoolLimits hostLimits = limits.with(host.getValue(), "conntrace.pool.hosts.[" + host.getKey() + "].");
			builder.forRemoteHost(address, (spec) -> hostLimits.applyTo(spec, releasable));
			this.hostLimits.put(address.getHostString() + ":" + address.getPort(), hostLimits);
		}
		this.name = properties.getName();
		this.limits = limits;
		this.provider = ConnectionTracing.waitsTimed(builder.build());
	}

	/**
	 * Return the pool.
	 * @return the Reactor Netty connection provider
	 */
	public ConnectionProvider provider() {
		return this.provider;
	}

	String name() {
		return this.name;
	}

	/** The limits in force for a server, its own where {@code conntrace.pool.hosts} gives them. */
	PoolLimits limitsFor(String host, int port) {
		return this.hostLimits.getOrDefault(host + ":" + port, this.limits);
	}

	/** Whether a server has limits of its own. */
	boolean hasOwnLimits(String host, int port) {
		return this.hostLimits.containsKey(host + ":" + port);
	}

	HttpClient newHttpClient() {
		return HttpClient.create(this.provider);
	}

	@Override
	protected ConnectionProvider disposable() {
		return this.provider;
	}

}
