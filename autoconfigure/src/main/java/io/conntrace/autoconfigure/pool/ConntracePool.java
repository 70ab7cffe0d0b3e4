package io.conntrace.autoconfigure.pool;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;

import io.conntrace.trace.ConnectionListener;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.beans.factory.DisposableBean;

/**
 * The application's connection pool, built from {@link PoolProperties} and disposed with the
 * application context. Not a {@link ConnectionProvider} bean, so it never competes with a user's own
 * pool for injection by type.
 */
public final class ConntracePool implements DisposableBean {

	private static final Duration DISPOSE_TIMEOUT = Duration.ofSeconds(10);

	private final ConnectionProvider provider;

	private final ConnectionListener listener;

	ConntracePool(PoolProperties properties, ConnectionProvider.@Nullable MeterRegistrar registrar,
			ConnectionListener listener) {
		if (properties.getName() == null || properties.getName().isBlank()) {
			throw new io.conntrace.autoconfigure.InvalidConntracePropertyException("conntrace.pool.name",
					String.valueOf(properties.getName()), "a non-blank name");
		}
		PoolLimits limits = PoolLimits.of(properties);
		ConnectionProvider.Builder builder = limits.applyTo(ConnectionProvider.builder(properties.getName()),
				registrar);
		for (Map.Entry<String, PoolProperties.HostPool> host : properties.getHosts().entrySet()) {
			InetSocketAddress address = RemoteHost.parse(host.getKey());
			PoolLimits hostLimits = limits.with(host.getValue(), "conntrace.pool.hosts.[" + host.getKey() + "].");
			builder.forRemoteHost(address, (spec) -> hostLimits.applyTo(spec, registrar));
		}
		this.provider = builder.build();
		this.listener = listener;
	}

	/**
	 * Return the pool.
	 * @return the Reactor Netty connection provider
	 */
	public ConnectionProvider provider() {
		return this.provider;
	}

	HttpClient newHttpClient() {
		return HttpClient.create(this.provider);
	}

	@Override
	public void destroy() {
		this.listener.poolDisposing();
		this.provider.disposeLater().block(DISPOSE_TIMEOUT);
	}

}
