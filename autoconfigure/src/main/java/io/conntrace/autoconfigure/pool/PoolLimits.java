package io.conntrace.autoconfigure.pool;

import java.time.Duration;

import io.conntrace.autoconfigure.InvalidConntracePropertyException;
import io.conntrace.autoconfigure.PropertyCheck;
import io.conntrace.autoconfigure.pool.PoolProperties.HostPool;
import io.conntrace.autoconfigure.pool.PoolProperties.LeasingStrategy;
import io.conntrace.trace.ConnectionEviction;
import io.conntrace.trace.ConnectionTracing;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.client.Http2AllocationStrategy;
import reactor.netty.resources.ConnectionProvider;

/**
 * The validated limits of the pool or of one remote host, applied to a Reactor Netty pool spec.
 * Validation names the full property, so a bad value fails the start with a message a user can act on.
 */
record PoolLimits(int maxConnections, int pendingAcquireMaxCount, Duration pendingAcquireTimeout,
		LeasingStrategy leasingStrategy, Duration maxIdleTime, Duration maxLifeTime,
		@Nullable Duration evictInBackground, @Nullable Integer http2MaxConcurrentStreams, int http2MinConnections,
		boolean http2StrictConnectionReuse) {

	static PoolLimits of(PoolProperties pool) {
		PoolProperties.Http2 http2 = pool.getHttp2();
		return new PoolLimits(pool.getMaxConnections(), pool.getPendingAcquireMaxCount(),
				pool.getPendingAcquireTimeout(), pool.getLeasingStrategy(), pool.getMaxIdleTime(),
				pool.getMaxLifeTime(), pool.getEvictInBackground(), http2.getMaxConcurrentStreams(),
				http2.getMinConnections(), http2.isStrictConnectionReuse())
			.validated("conntrace.pool.");
	}

	PoolLimits with(HostPool host, String prefix) {
		return new PoolLimits(or(host.getMaxConnections(), this.maxConnections),
				or(host.getPendingAcquireMaxCount(), this.pendingAcquireMaxCount),
				or(host.getPendingAcquireTimeout(), this.pendingAcquireTimeout),
				or(host.getLeasingStrategy(), this.leasingStrategy), or(host.getMaxIdleTime(), this.maxIdleTime),
				or(host.getMaxLifeTime(), this.maxLifeTime),
				orUnset(host.getEvictInBackground(), this.evictInBackground),
				orUnset(host.getHttp2().getMaxConcurrentStreams(), this.http2MaxConcurrentStreams),
				or(host.getHttp2().getMinConnections(), this.http2MinConnections),
				or(host.getHttp2().getStrictConnectionReuse(), this.http2StrictConnectionReuse))
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
		PropertyCheck.between(prefix + "http2.max-concurrent-streams", this.http2MaxConcurrentStreams, 1,
				Integer.MAX_VALUE);
		if (this.http2MinConnections < 0 || this.http2MinConnections > this.maxConnections) {
			// A host's limits start from the pool's: say so when the value came from there.
			throw new InvalidConntracePropertyException(prefix + "http2.min-connections", this.http2MinConnections,
					"from 0 to " + prefix + "max-connections (" + this.maxConnections + ")"
							+ (prefix.startsWith("conntrace.pool.hosts.")
									? "; a value it does not set is taken from conntrace.pool.http2.min-connections" : ""));
		}
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
			.evictionPredicate(ConnectionEviction.of(this.maxIdleTime, this.maxLifeTime))
			// Tells a request's wait for a slot from the pool's setup, and takes a cancelled one out of the queue.
			// The pool runs it only with a positive pending-acquire timeout, which the check above requires.
			.pendingAcquireTimer(ConnectionTracing.pendingAcquireTimer())
			// Read by the HTTP/2 pool; an HTTP/1.1 pool takes from it only max-connections, the same as above.
			.allocationStrategy(http2Strategy());
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

	private Http2AllocationStrategy http2Strategy() {
		Http2AllocationStrategy.Builder strategy = Http2AllocationStrategy.builder()
			.maxConnections(this.maxConnections)
			.minConnections(this.http2MinConnections)
			.strictConnectionReuse(this.http2StrictConnectionReuse);
		if (this.http2MaxConcurrentStreams != null) {
			strategy.maxConcurrentStreams(this.http2MaxConcurrentStreams);
		}
		return strategy.build();
	}

	private static <T> T or(@Nullable T value, T fallback) {
		return (value != null) ? value : fallback;
	}

	/** Like {@link #or}, for a limit that may be unset at both levels. */
	private static <T> @Nullable T orUnset(@Nullable T value, @Nullable T fallback) {
		return (value != null) ? value : fallback;
	}

}
