package io.conntrace.trace;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;

import org.jspecify.annotations.Nullable;
import reactor.netty.Connection;
import reactor.netty.resources.ConnectionProvider;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * An eviction predicate for a Reactor Netty pool that enforces maximum idle and life times and
 * records on the connection why it was evicted, so its close is reported with the right
 * {@link CloseReason}. Pass it to {@link ConnectionProvider.Builder#evictionPredicate}; it replaces
 * {@code maxIdleTime} and {@code maxLifeTime}, which must then be left unset.
 * <p>
 * It also honours the idle timeout each server announces in {@code Keep-Alive: timeout=N}: a
 * connection idle for longer than that timeout less a safety margin is not handed out again, as the
 * server is about to close it (or already has), and a request sent on it would fail. The margin is a
 * quarter of the timeout, at most one second, covering the network delay between the server starting
 * its idle clock and the client starting its own.
 */
public final class ConnectionEviction implements BiPredicate<Connection, ConnectionProvider.ConnectionMetadata> {

	private static final Logger logger = Loggers.getLogger(ConnectionEviction.class);

	/** Hosts already warned about, bounded so that a client of many hosts cannot grow it. */
	private static final int MAX_WARNED_HOSTS = 1000;

	static final long MAX_MARGIN_MILLIS = 1000;

	private final long maxIdleMillis;

	private final long maxLifeMillis;

	private final Set<String> warnedHosts = ConcurrentHashMap.newKeySet();

	private ConnectionEviction(@Nullable Duration maxIdle, @Nullable Duration maxLife) {
		this.maxIdleMillis = (maxIdle != null) ? maxIdle.toMillis() : Long.MAX_VALUE;
		this.maxLifeMillis = (maxLife != null) ? maxLife.toMillis() : Long.MAX_VALUE;
	}

	/** The idle time after which a connection to a server announcing {@code timeoutMillis} is not reused. */
	static long usableIdleMillis(long timeoutMillis) {
		return timeoutMillis - Math.min(MAX_MARGIN_MILLIS, timeoutMillis / 4);
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
		long idle = metadata.idleTime();
		if (idle >= this.maxIdleMillis) {
			return evict(ConnectionState.of(connection.channel()), CloseReason.IDLE_EVICTED, false);
		}
		if (metadata.lifeTime() >= this.maxLifeMillis) {
			return evict(ConnectionState.of(connection.channel()), CloseReason.MAX_LIFE, false);
		}
		// The state only for a connection idle a millisecond or more: tested as it is released and as it is
		// handed out again at once, a busy connection is not, and pays no attribute lookup.
		if (idle <= 0) {
			return false;
		}
		ConnectionState state = ConnectionState.of(connection.channel());
		return state != null && expiresOnServer(state, idle);
	}

	private boolean expiresOnServer(ConnectionState state, long idleMillis) {
		try {
			long timeout = state.serverIdleTimeoutMillis;
			if (timeout <= 0) {
				return false;
			}
			if (state.comparedServerTimeoutMillis != timeout) {
				state.comparedServerTimeoutMillis = timeout;
				if (timeout <= this.maxIdleMillis) {
					warnOnce(state, timeout);
				}
			}
			return idleMillis >= usableIdleMillis(timeout) && evict(state, CloseReason.IDLE_EVICTED, true);
		}
		catch (Throwable ex) {
			Guard.failed(Hook.EVICTION, ex);
			return false;
		}
	}

	private void warnOnce(ConnectionState state, long timeoutMillis) {
		// Written as conntrace.pool.hosts accepts it back: an IPv6 literal in brackets.
		String host = RequestServer.remote(state.host, state.port);
		if (this.warnedHosts.size() < MAX_WARNED_HOSTS && this.warnedHosts.add(host)) {
			logger.warn("conntrace: " + host + " closes idle connections after " + timeoutMillis
					+ " ms (its Keep-Alive header), no later than the pool's max idle time of " + this.maxIdleMillis
					+ " ms. conntrace does not reuse a connection to it after " + usableIdleMillis(timeoutMillis)
					+ " ms idle. Set conntrace.pool.hosts.[" + host + "].max-idle-time below " + timeoutMillis
					+ "ms to make that explicit.");
		}
	}

	/** Records why the pool closes the connection (always evicted, whatever befalls the record). */
	private static boolean evict(@Nullable ConnectionState state, CloseReason reason, boolean stale) {
		try {
			if (state != null) {
				state.evicted = reason;
				if (stale) {
					state.listener.staleConnection(state.host, state.port, StaleAction.EVICTED);
				}
			}
		}
		catch (Throwable ex) {
			Guard.failed(Hook.EVICTION, ex);
		}
		return true;
	}

}
