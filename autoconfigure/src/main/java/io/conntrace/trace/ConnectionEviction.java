package io.conntrace.trace;

import java.time.Duration;
import java.util.function.BiPredicate;

import org.jspecify.annotations.Nullable;
import reactor.netty.Connection;
import reactor.netty.resources.ConnectionProvider;

/**
 * An eviction predicate for a Reactor Netty pool that enforces maximum idle and life times and
 * records on the connection why it was evicted, so its close is reported with the right
 * {@link CloseReason}. Pass it to {@link ConnectionProvider.Builder#evictionPredicate}; it replaces
 * {@code maxIdleTime} and {@code maxLifeTime}, which must then be left unset.
 */
public final class ConnectionEviction implements BiPredicate<Connection, ConnectionProvider.ConnectionMetadata> {

	private final long maxIdleMillis;

	private final long maxLifeMillis;

	private ConnectionEviction(@Nullable Duration maxIdle, @Nullable Duration maxLife) {
		this.maxIdleMillis = (maxIdle != null) ? maxIdle.toMillis() : Long.MAX_VALUE;
		this.maxLifeMillis = (maxLife != null) ? maxLife.toMillis() : Long.MAX_VALUE;
	}

	/**
	 * Return a predicate that evicts connections idle for {@code maxIdle} or alive for {@code maxLife}.
	 * @param maxIdle the maximum idle time, or {@code null} for none
	 * @param maxLife the maximum life time, or {@code null} for none
	 * @return the predicate
	 */
	public static ConnectionEviction of(@Nullable Duration maxIdle, @Nullable Duration maxLife) {
		return new ConnectionEviction(maxIdle, maxLife);
	}

	@Override
	public boolean test(Connection connection, ConnectionProvider.ConnectionMetadata metadata) {
		// What Reactor Netty's own predicate checks, which a custom predicate replaces.
		if (!connection.channel().isActive() || !connection.isPersistent()) {
			return true;
		}
		CloseReason reason = null;
		if (metadata.idleTime() >= this.maxIdleMillis) {
			reason = CloseReason.IDLE_EVICTED;
		}
		else if (metadata.lifeTime() >= this.maxLifeMillis) {
			reason = CloseReason.MAX_LIFE;
		}
		if (reason != null) {
			mark(connection, reason);
			return true;
		}
		return false;
	}

	private static void mark(Connection connection, CloseReason reason) {
		try {
			Guard.check(Hook.EVICTION);
			ConnectionState state = ConnectionState.of(connection.channel());
			if (state != null) {
				state.evicted = reason;
			}
		}
		catch (Throwable ex) {
			Guard.failed(Hook.EVICTION, ex);
		}
	}

}
