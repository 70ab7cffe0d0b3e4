package io.conntrace.autoconfigure.gateway;

import java.time.Duration;

import io.conntrace.autoconfigure.InvalidConntracePropertyException;
import io.conntrace.autoconfigure.PropertyCheck;
import io.conntrace.autoconfigure.pool.PoolLifecycle;
import io.conntrace.autoconfigure.pool.PoolProperties;
import io.conntrace.trace.ConnectionEviction;
import io.conntrace.trace.ConnectionListener;
import io.conntrace.trace.ConnectionTracing;
import org.jspecify.annotations.Nullable;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.config.HttpClientProperties.Pool.LeasingStrategy;
import org.springframework.cloud.gateway.config.HttpClientProperties.Pool.PoolType;

/**
 * The gateway's connection pool as the gateway's own properties
 * ({@code spring.cloud.gateway.server.webflux.httpclient.pool.*}) describe it, with conntrace's protection
 * added: idle and life limits that also honour each server's {@code Keep-Alive: timeout}, the queued-wait
 * timer, and conntrace's pool meters and activity. Where the gateway leaves its idle or life time unset,
 * {@code conntrace.pool.max-idle-time} and {@code max-life-time} apply; where it sets them, they win.
 * <p>
 * Built when the gateway's client factory asks for it, and disposed like conntrace's own pool: before the
 * event loops its connections run on stop ({@link PoolLifecycle}).
 */
final class GatewayPool extends PoolLifecycle {

	static final String PREFIX = "spring.cloud.gateway.server.webflux.httpclient.pool.";

	private final PoolProperties conntrace;

	private final ConnectionProvider.@Nullable MeterRegistrar registrar;

	/** Whether the registrar registers the pool's gauges (conntrace's meters are on), not only its activity. */
	private final boolean meters;

	private volatile @Nullable ConnectionProvider provider;

	GatewayPool(PoolProperties conntrace, ConnectionProvider.@Nullable MeterRegistrar registrar, boolean meters,
			ConnectionListener listener) {
		super(listener);
		this.conntrace = conntrace;
		this.registrar = registrar;
		this.meters = meters;
	}

	/**
	 * Build the pool the gateway's properties describe; {@code null} when they turn pooling off (there is
	 * then nothing to protect).
	 */
	@Nullable ConnectionProvider build(HttpClientProperties.Pool pool) {
		if (pool.getType() == PoolType.DISABLED) {
			return null;
		}
		Duration maxIdle = (pool.getMaxIdleTime() != null) ? pool.getMaxIdleTime() : this.conntrace.getMaxIdleTime();
		Duration maxLife = (pool.getMaxLifeTime() != null) ? pool.getMaxLifeTime() : this.conntrace.getMaxLifeTime();
		check(pool);
		ConnectionProvider.Builder builder = ConnectionProvider.builder(pool.getName());
		// The gateway's own mapping of its pool types, kept as it is.
		boolean fixed = pool.getType() == PoolType.FIXED;
		if (fixed) {
			builder.maxConnections(pool.getMaxConnections())
				.pendingAcquireMaxCount(-1)
				.pendingAcquireTimeout(Duration.ofMillis(pool.getAcquireTimeout()));
		}
		else {
			builder.maxConnections(Integer.MAX_VALUE).pendingAcquireTimeout(Duration.ZERO).pendingAcquireMaxCount(-1);
		}
		if (pool.getLeasingStrategy() == LeasingStrategy.FIFO) {
			builder.fifo();
		}
		else {
			builder.lifo();
		}
		builder.evictInBackground(pool.getEvictionInterval())
			// Replaces maxIdleTime and maxLifeTime, records which closed a connection, honours Keep-Alive: timeout.
			.evictionPredicate(ConnectionEviction.of(maxIdle, maxLife))
			.pendingAcquireTimer(ConnectionTracing.pendingAcquireTimer());
		if (pool.isMetrics() && !this.meters) {
			// The gateway asked for Reactor Netty's gauges and conntrace registers none: Reactor Netty's own
			// registrar, which a registrar of conntrace's would replace (the endpoint then counts connections).
			builder.metrics(true);
		}
		else if (this.registrar != null) {
			// With conntrace's meters: Reactor Netty's pool gauges under their own names, in the application's
			// registry; and the pool's activity for the endpoint.
			ConnectionProvider.MeterRegistrar registrar = this.registrar;
			builder.metrics(true, () -> registrar);
		}
		ConnectionProvider provider = builder.build();
		// A fixed pool queues requests only with a positive acquire timeout, the timer's condition; an elastic
		// pool never queues, so its waits are known too: none.
		boolean waitsTimed = !fixed || pool.getAcquireTimeout() > 0;
		this.provider = waitsTimed ? ConnectionTracing.waitsTimed(provider) : provider;
		return provider;
	}

	private void check(HttpClientProperties.Pool pool) {
		PropertyCheck.positive(PREFIX + "max-idle-time", pool.getMaxIdleTime());
		PropertyCheck.positive(PREFIX + "max-life-time", pool.getMaxLifeTime());
		if (pool.getType() == PoolType.FIXED) {
			PropertyCheck.between(PREFIX + "max-connections", pool.getMaxConnections(), 1, Integer.MAX_VALUE);
		}
		if (pool.getName().equals(this.conntrace.getName())) {
			// Reactor Netty's gauges, conntrace's meters and the endpoint tell the pools apart by name.
			throw new InvalidConntracePropertyException(PREFIX + "name", pool.getName(),
					"a name other than conntrace.pool.name ('" + this.conntrace.getName()
							+ "'), the pool of the application's WebClients");
		}
	}

	@Override
	protected @Nullable ConnectionProvider disposable() {
		return this.provider;
	}

}
