package io.conntrace.pool;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.conntrace.trace.CloseReason;
import io.conntrace.trace.ConnectionInfo;
import io.conntrace.trace.ConnectionListener;
import io.conntrace.trace.RetryCause;
import io.conntrace.trace.StaleAction;
import org.jspecify.annotations.Nullable;
import reactor.netty.resources.ConnectionPoolMetrics;
import reactor.netty.resources.ConnectionProvider;

/**
 * What every pool conntrace watches is doing now, one {@link ServerActivity} per remote server: its open
 * connections (and the request holding each), Reactor Netty's gauges of its pool, and its recent events
 * (stale connections evicted or retried, requests cancelled while acquiring, connections the server
 * closed, full pools). A {@link ConnectionListener} for the connections and events, and a
 * {@link ConnectionProvider.MeterRegistrar} for the gauges.
 * <p>
 * Bounded: the first {@code maxServers} servers are followed, later ones are not; a server holds its
 * open connections only (as many as its pool allows) and its last {@value #RECENT_EVENTS} events. No URL
 * query, user-info or header value is kept.
 */
public final class PoolActivity implements ConnectionListener, ConnectionProvider.MeterRegistrar {

	/** How many events each server keeps. */
	public static final int RECENT_EVENTS = 50;

	private final int maxServers;

	private final Map<String, ServerActivity> servers = new ConcurrentHashMap<>();

	/**
	 * Follow pools. Give each pool this one instance, as a listener and as its registrar ({@code metrics(true,
	 * () -> activity)}, or through {@link CompositeRegistrar}): Reactor Netty asks the supplier again to remove a
	 * pool's gauges.
	 * @param maxServers how many distinct servers are followed
	 */
	public PoolActivity(int maxServers) {
		this.maxServers = maxServers;
	}

	/** Every server followed, in no particular order. */
	public List<ServerActivity> servers() {
		return new ArrayList<>(this.servers.values());
	}

	/**
	 * The server's activity, {@code null} if it is not followed (no connection yet, or beyond the cap).
	 * @param host the host as requests name it
	 * @param port the remote port
	 */
	public @Nullable ServerActivity server(String host, int port) {
		return this.servers.get(key(host, port));
	}

	/**
	 * Record an event of a server, for example a request that found its pool full.
	 * @param host the host as requests name it
	 * @param port the remote port
	 * @param type what happened
	 * @param detail the facts
	 */
	public void event(String host, int port, String type, String detail) {
		ServerActivity server = follow(host, port);
		if (server != null) {
			server.event(type, detail);
		}
	}

	@Override
	public void connectionOpened(ConnectionInfo connection) {
		ServerActivity server = follow(connection.host(), connection.port());
		if (server != null) {
			server.opened(connection);
		}
	}

	@Override
	public void connectionEnded(ConnectionInfo connection, CloseReason reason) {
		ServerActivity server = server(connection.host(), connection.port());
		if (server == null) {
			return;
		}
		server.ended(connection);
		if (reason == CloseReason.SERVER_CLOSED) {
			long idle = connection.idleNanos();
			server.event("server-closed", "connection " + connection.id() + " closed by the server"
					+ ((idle >= 0) ? " after " + idle / 1_000_000 + " ms idle" : " while in use") + ", "
					+ connection.requests() + " requests carried");
		}
	}

	@Override
	public void staleConnection(String host, int port, StaleAction action) {
		event(host, port, "stale-" + action.tagValue(), "a stale keep-alive connection was met: " + switch (action) {
			case EVICTED -> "closed before a request could use it";
			case RETRIED -> "a request failed on it and was sent again";
			case FAILED -> "a request failed on it and could not be sent again";
		});
	}

	@Override
	public void requestRetried(String host, int port, RetryCause cause) {
		if (cause != RetryCause.STALE_CONNECTION) {
			// A stale connection's retry is its own event already.
			event(host, port, "retried-" + cause.value(), "a request the server never processed was sent again ("
					+ ((cause == RetryCause.GOAWAY) ? "above its GOAWAY's last stream" : "its stream refused") + ")");
		}
	}

	@Override
	public void acquireCancelled(String host, int port, String phase) {
		event(host, port, "acquire-cancelled", "a request was cancelled before it got a connection, in " + phase);
	}

	@Override
	public void registerMetrics(String poolName, String id, SocketAddress remoteAddress, ConnectionPoolMetrics metrics) {
		if (remoteAddress instanceof InetSocketAddress address) {
			ServerActivity server = follow(address.getHostString(), address.getPort());
			if (server != null) {
				server.pool(poolName, id, metrics);
			}
		}
	}

	@Override
	public void deRegisterMetrics(String poolName, String id, SocketAddress remoteAddress) {
		if (remoteAddress instanceof InetSocketAddress address) {
			ServerActivity server = server(address.getHostString(), address.getPort());
			if (server != null) {
				server.poolGone(id);
			}
		}
	}

	private @Nullable ServerActivity follow(String host, int port) {
		if (host.isEmpty()) {
			return null; // a request whose server could not be told
		}
		String key = key(host, port);
		ServerActivity server = this.servers.get(key);
		if (server != null || this.servers.size() >= this.maxServers) {
			return server;
		}
		synchronized (this.servers) {
			if (this.servers.size() >= this.maxServers) {
				return this.servers.get(key);
			}
			return this.servers.computeIfAbsent(key, (k) -> new ServerActivity(host, port));
		}
	}

	private static String key(String host, int port) {
		return host + '|' + port;
	}

}
