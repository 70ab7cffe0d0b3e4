package io.conntrace.autoconfigure.pool;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.conntrace.pool.PoolActivity;
import io.conntrace.pool.ServerActivity;
import io.conntrace.trace.ConnectionInfo;
import io.conntrace.trace.RequestFailureDescriber;
import io.conntrace.trace.RequestServer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.netty.resources.ConnectionPoolMetrics;


/**
 * Makes a request that failed because conntrace's pool was full explain itself (a
 * {@link RequestFailureDescriber}, run by conntrace's WebClient filter and for blocking calls). Reactor Netty's error
 * says only "Pending acquire queue has reached its maximum size of 2" or that the acquire timed out: no
 * server, no pool, no limit, no way out. The error keeps its type and message and gains a suppressed
 * description naming the server, the pool, the limits in force with how much of each is used, how long
 * the request waited and the property to raise. While a server's pool stays full, one WARN at most once
 * a minute per server says the same, with the requests holding its connections longest.
 */
final class PoolSaturation implements RequestFailureDescriber {

	static final Duration WARNING_INTERVAL = Duration.ofMinutes(1);

	private static final int HOLDERS_SHOWN = 5;

	private static final int WARNED_SERVERS = 1000;

	private static final Log logger = LogFactory.getLog(PoolSaturation.class);

	private final ConntracePool pool;

	private final PoolActivity activity;

	/** When a WARN last named each server, by {@code host:port}: cleared rather than grown past the cap. */
	private final Map<String, Long> lastWarned = new ConcurrentHashMap<>();

	/** Whether the WARN names the paths of the requests holding connections, or only their methods. */
	private final boolean paths;

	PoolSaturation(ConntracePool pool, PoolActivity activity, boolean paths) {
		this.pool = pool;
		this.activity = activity;
		this.paths = paths;
	}

	@Override
	public void describe(URI url, Throwable ex, long start) {
		try {
			Throwable poolError = Kind.poolError(ex);
			Kind kind = (poolError != null) ? Kind.of(poolError) : null;
			if (kind != null && kind.limitMatches(poolError, this.pool.limitsFor(RequestServer.host(url), RequestServer.port(url)))) {
				String facts = facts(url, kind, System.nanoTime() - start);
				ex.addSuppressed(RequestFailureDescriber.description("conntrace: " + facts));
			}
		}
		catch (Throwable failure) {
			logger.debug("conntrace could not describe a full pool", failure);
		}
	}

	private String facts(URI url, Kind kind, long waitedNanos) {
		String host = RequestServer.host(url);
		int port = RequestServer.port(url);
		String remote = RequestServer.remote(host, port);
		PoolLimits limits = this.pool.limitsFor(host, port);
		ServerActivity server = this.activity.server(host, port);
		ConnectionPoolMetrics metrics = (server != null) ? server.connectionPool(this.pool.name()) : null;
		String prefix = this.pool.hasOwnLimits(host, port) ? "conntrace.pool.hosts.[" + remote + "]."
				: "conntrace.pool.";
		StringBuilder text = new StringBuilder();
		text.append("the pool '").append(this.pool.name()).append("' for ").append(remote).append(" is full: ");
		text.append(kind.description).append(". max-connections ").append(limits.maxConnections());
		if (metrics != null) {
			// Connections being opened hold their slot as much as those carrying a request.
			text.append(" (").append(metrics.allocatedSize() - metrics.idleSize()).append(" in use or opening)");
		}
		text.append(", pending ");
		if (metrics != null) {
			text.append(metrics.pendingAcquireSize()).append(" of ");
		}
		text.append("at most ").append(limits.pendingAcquireMaxCount());
		text.append(", pending-acquire-timeout ").append(limits.pendingAcquireTimeout().toMillis()).append(" ms");
		text.append("; this request waited ").append(waitedNanos / 1_000_000).append(" ms. ");
		text.append("Raise conntrace.pool.hosts.[").append(remote).append("].max-connections");
		if (kind == Kind.QUEUE_FULL) {
			text.append(" or ").append(prefix).append("pending-acquire-max-count");
		}
		else {
			text.append(" or ").append(prefix).append("pending-acquire-timeout");
		}
		text.append(", or find what holds the connections (GET /actuator/conntrace)");
		String facts = text.toString();
		this.activity.event(host, port, kind.event, facts);
		warn(host, port, facts, server);
		return facts;
	}

	/** At most one WARN per server and interval, so that a pool that stays full does not flood the log. */
	private boolean warningDue(String server, long now) {
		if (this.lastWarned.size() >= WARNED_SERVERS && !this.lastWarned.containsKey(server)) {
			this.lastWarned.clear();
		}
		boolean[] due = new boolean[1];
		this.lastWarned.compute(server, (key, last) -> {
			due[0] = last == null || now - last >= WARNING_INTERVAL.toNanos();
			return due[0] ? now : last;
		});
		return due[0];
	}

	private void warn(String host, int port, String facts, @Nullable ServerActivity server) {
		if (!logger.isWarnEnabled() || !warningDue(RequestServer.remote(host, port), System.nanoTime())) {
			return;
		}
		StringBuilder text = new StringBuilder("conntrace: ").append(facts);
		if (server != null) {
			StringBuilder holders = new StringBuilder();
			int shown = 0;
			for (ConnectionInfo connection : server.connections()) {
				if (shown == HOLDERS_SHOWN) {
					break;
				}
				String request = HeldBy.request(connection, this.paths);
				if (request != null) {
					shown++;
					holders.append(' ')
						.append(request)
						.append(" (")
						.append(connection.heldNanos() / 1_000_000)
						.append(" ms on connection ")
						.append(connection.id())
						.append(')');
				}
			}
			if (shown == 0) {
				text.append(". No request on a connection of it is known");
			}
			else {
				text.append(". Held longest by:").append(holders);
				if (!this.paths) {
					text.append(" (paths are shown with management.endpoint.conntrace.show-values=always)");
				}
			}
		}
		text.append(". At most one such warning a minute for this server.");
		logger.warn(text);
	}

	/** How the pool turned the request away; Reactor Netty's pool exceptions are shaded, so known by name. */
	private enum Kind {

		QUEUE_FULL("PoolAcquirePendingLimitException", "acquire-rejected",
				"its pending-acquire queue was full, so the request was turned away at once"),

		TIMEOUT("PoolAcquireTimeoutException", "acquire-timeout",
				"no connection came free within the pending-acquire-timeout");

		private static final java.util.regex.Pattern LAST_NUMBER = java.util.regex.Pattern.compile("(\\d+)\\D*$");

		private final String exception;

		private final String event;

		private final String description;

		Kind(String exception, String event, String description) {
			this.exception = exception;
			this.event = event;
			this.description = description;
		}

		static @Nullable Throwable poolError(Throwable ex) {
			for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
				if (of(cause) != null) {
					return cause;
				}
			}
			return null;
		}

		static @Nullable Kind of(Throwable error) {
			for (Kind kind : values()) {
				if (error.getClass().getSimpleName().equals(kind.exception)) {
					return kind;
				}
			}
			return null;
		}

		/**
		 * Whether the error came from conntrace's pool: the filter sits on every WebClient of Boot's builder,
		 * and one given another connector would be described with limits not its own. The pool's error
		 * names the limit it hit ("maximum size of 2", "timeout of 300ms"): it must be the one in force.
		 */
		boolean limitMatches(Throwable error, PoolLimits limits) {
			String message = (error.getMessage() != null) ? error.getMessage() : "";
			java.util.regex.Matcher number = LAST_NUMBER.matcher(message);
			if (!number.find()) {
				return false;
			}
			long limit = Long.parseLong(number.group(1));
			return (this == QUEUE_FULL) ? limit == limits.pendingAcquireMaxCount()
					: limit == limits.pendingAcquireTimeout().toMillis();
		}

	}

}
