package io.conntrace.autoconfigure.pool;

import java.time.Duration;

import io.conntrace.autoconfigure.InvalidConntracePropertyException;
import io.conntrace.autoconfigure.PropertyCheck;
import io.conntrace.autoconfigure.pool.PoolProperties.HostPool;
import io.conntrace.autoconfigure.pool.PoolProperties.LeasingStrategy;
import io.conntrace.trace.ConnectionEviction;
import org.jspecify.annotations.Nullable;
import reactor.netty.resources.ConnectionProvider;

/**
 * The validated limits of the pool or of one remote host, applied to a Reactor Netty pool spec.
 * Validation names the full property, so a bad value fails the start with a message a user can act on.
 */
record PoolLimits(int maxConnections, int pendingAcquireMaxCount, Duration pendingAcquireTimeout,
		LeasingStrategy leasingStrategy, Duration maxIdleTime, Duration maxLifeTime,
		@Nullable Duration evictInBackground) {

	static PoolLimits of(PoolProperties pool) {
		return new PoolLimits(pool.getMaxConnections(), pool.getPendingAcquireMaxCount(),
				pool.getPendingAcquireTimeout(), pool.getLeasingStrategy(), pool.getMaxIdleTime(),
				pool.getMaxLifeTime(), pool.getEvictInBackground())
			.validated("conntrace.pool.");
	}

	PoolLimits with(HostPool host, String prefix) {
		return new PoolLimits(or(host.getMaxConnections(), this.maxConnections),
				or(host.getPendingAcquireMaxCount(), this.pendingAcquireMaxCount),
				or(host.getPendingAcquireTimeout(), this.pendingAcquireTimeout),
				or(host.getLeasingStrategy(), this.leasingStrategy), or(host.getMaxIdleTime(), this.maxIdleTime),
				or(host.getMaxLifeTime(), this.maxLifeTime),
				(host.getEvictInBackground() != null) ? host.getEvictInBackground() : this.evictInBackground)
			.validated(prefix);
	}

	private PoolLimits validated(String prefix) {
		PropertyCheck.between(prefix + "max-connections", this.maxConnections, 1, Integer.MAX_VALUE);
		if (this.pendingAcquireMaxCount != -1) {
			PropertyCheck.between(prefix + "pending-acquire-max-count", this.pendingAcquireMaxCount, 1,
					Integer.MAX_VALUE);
		}
		PropertyCheck.positive(prefix + "pending-acquire-timeout", this.pendingAcquireTimeout);
		PropertyCheck.positive(prefix + "max-idle-time", this.maxIdleTime);
		PropertyCheck.positive(prefix + "max-life-time", this.maxLifeTime);
		PropertyCheck.positive(prefix + "evict-in-background", this.evictInBackground);
		if (this.maxIdleTime.compareTo(this.maxLifeTime) > 0) {
			throw new InvalidConntracePropertyException(prefix + "max-idle-time", this.maxIdleTime,
					"at most " + prefix + "max-life-time ("
							+ InvalidConntracePropertyException.display(this.maxLifeTime) + ")");
		}
		return this;
	}

	<S extends ConnectionProvider.ConnectionPoolSpec<S>> S applyTo(S spec,
			ConnectionProvider.@Nullable MeterRegistrar registrar) {
		spec.maxConnections(this.maxConnections)
			.pendingAcquireMaxCount(this.pendingAcquireMaxCount)
			.pendingAcquireTimeout(this.pendingAcquireTimeout)
			// Replaces maxIdleTime and maxLifeTime, and records which of them closed a connection.
			.evictionPredicate(ConnectionEviction.of(this.maxIdleTime, this.maxLifeTime));
		if (this.leasingStrategy == LeasingStrategy.LIFO) {
			spec.lifo();
		}
		else {
			spec.fifo();
		}
		if (this.evictInBackground != null) {
			spec.evictInBackground(this.evictInBackground);
		}
		if (registrar != null) {
			spec.metrics(true, () -> registrar);
		}
		return spec;
	}

	private static <T> T or(@Nullable T value, T fallback) {
		return (value != null) ? value : fallback;
	}

}
