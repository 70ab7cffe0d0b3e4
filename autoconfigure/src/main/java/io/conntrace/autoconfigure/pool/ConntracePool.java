package io.conntrace.autoconfigure.pool;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;

import io.conntrace.trace.ConnectionListener;
import io.conntrace.trace.ConnectionTracing;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * The application's connection pool, built from {@link PoolProperties} and disposed with the
 * application context. Not a {@link ConnectionProvider} bean, so it never competes with a user's own
 * pool for injection by type.
 * <p>
 * Disposed as a lifecycle in {@link #PHASE}: after the web server's graceful shutdown (whose requests
 * may still call out) and before Spring's {@code ReactorResourceFactory} (phase 0) shuts down the event
 * loops the pool's connections run on, so they close through the pool and are counted as disposed.
 */
public final class ConntracePool implements SmartLifecycle, DisposableBean {

	/** Stops before phase 0, Spring's {@code ReactorResourceFactory}, and after everything above. */
	static final int PHASE = 1;

	private static final Duration DISPOSE_TIMEOUT = Duration.ofSeconds(10);

	private final ConnectionProvider provider;

	private final ConnectionListener listener;

	private final String name;

	private final PoolLimits limits;

	/** Limits of the hosts that have their own, by {@code host:port} as requests name them. */
	private final Map<String, PoolLimits> hostLimits = new java.util.HashMap<>();

	private volatile boolean running;

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
			this.hostLimits.put(address.getHostString() + ":" + address.getPort(), hostLimits);
		}
		this.name = properties.getName();
		this.limits = limits;
		this.provider = ConnectionTracing.waitsTimed(builder.build());
		this.listener = listener;
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
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		dispose();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	/** A context closed before it started, or refreshed without a lifecycle, still frees the pool. */
	@Override
	public void destroy() {
		dispose();
	}

	private void dispose() {
		if (this.provider.isDisposed()) {
			return;
		}
		try {
			this.listener.poolDisposing();
		}
		catch (RuntimeException ex) {
			// The listener's trouble must not keep the pool open.
		}
		this.provider.disposeLater().block(DISPOSE_TIMEOUT);
	}

}
