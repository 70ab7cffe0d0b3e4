package io.conntrace.autoconfigure.pool;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The connection pool every WebClient built from Boot's builder uses. Limits apply per remote host
 * (host and port).
 */
@ConfigurationProperties("conntrace.pool")
public class PoolProperties {

	/**
	 * Whether conntrace builds the pool of Boot's WebClient, RestClient and RestTemplate. When false they keep
	 * Boot's pool (Reactor Netty's shared one, without conntrace's eviction or pending-acquire timer: the pool
	 * wait of a new connection is then unknown), are still traced, and the pool's limits and eviction
	 * properties, the full-pool descriptions and /actuator/conntrace are off; keep-cancelled-dials still
	 * applies. Spring Cloud Gateway's pool is built from the gateway's own properties either way.
	 */
	private boolean enabled = true;

	/**
	 * Name of the pool, the "name" tag of its metrics.
	 */
	private String name = "conntrace";

	/**
	 * Maximum number of connections per remote host.
	 */
	private int maxConnections = 50;

	/**
	 * Maximum number of requests waiting for a connection per remote host; -1 for no limit. Beyond it a
	 * request fails at once.
	 */
	private int pendingAcquireMaxCount = 1000;

	/**
	 * Maximum time a request waits for a connection before it fails.
	 */
	private Duration pendingAcquireTimeout = Duration.ofSeconds(10);

	/**
	 * Which idle connection a request gets: 'lifo' the most recently used, least likely to have been
	 * closed by the server, or 'fifo' the least recently used.
	 */
	private LeasingStrategy leasingStrategy = LeasingStrategy.LIFO;

	/**
	 * Maximum time a connection may sit idle before the pool closes it. Keep it below the idle timeout
	 * of the servers called, or requests land on connections the server already closed.
	 */
	private Duration maxIdleTime = Duration.ofSeconds(4);

	/**
	 * Maximum time a connection may live, so traffic follows DNS and load balancer changes.
	 */
	private Duration maxLifeTime = Duration.ofMinutes(5);

	/**
	 * Interval at which idle and expired connections are closed in the background. Off when unset: they
	 * are then closed when a request would otherwise get them.
	 */
	private @Nullable Duration evictInBackground;

	/**
	 * Whether a connection opened for a request that was cancelled before it got it (a timeout, a client
	 * gone) goes into the pool for the next request, rather than being closed with its handshake already
	 * paid for. HTTP/1.1 connections of every instrumented client; bounded by the connect timeout and the
	 * pool's limits, as any connection being opened.
	 */
	private boolean keepCancelledDials = true;

	/**
	 * Overrides of the limits for single remote hosts, keyed by "host:port" (in properties files written
	 * in brackets, for example conntrace.pool.hosts.[api.example.com:443].max-connections=100).
	 */
	private Map<String, HostPool> hosts = new LinkedHashMap<>();

	/**
	 * Limits of HTTP/2 connections, for clients that speak HTTP/2 (h2 or h2c).
	 */
	private final Http2 http2 = new Http2();

	public String getName() {
		return this.name;
	}

	public void setName(String name) {
		this.name = name;
	}

	public int getMaxConnections() {
		return this.maxConnections;
	}

	public void setMaxConnections(int maxConnections) {
		this.maxConnections = maxConnections;
	}

	public int getPendingAcquireMaxCount() {
		return this.pendingAcquireMaxCount;
	}

	public void setPendingAcquireMaxCount(int pendingAcquireMaxCount) {
		this.pendingAcquireMaxCount = pendingAcquireMaxCount;
	}

	public Duration getPendingAcquireTimeout() {
		return this.pendingAcquireTimeout;
	}

	public void setPendingAcquireTimeout(Duration pendingAcquireTimeout) {
		this.pendingAcquireTimeout = pendingAcquireTimeout;
	}

	public LeasingStrategy getLeasingStrategy() {
		return this.leasingStrategy;
	}

	public void setLeasingStrategy(LeasingStrategy leasingStrategy) {
		this.leasingStrategy = leasingStrategy;
	}

	public Duration getMaxIdleTime() {
		return this.maxIdleTime;
	}

	public void setMaxIdleTime(Duration maxIdleTime) {
		this.maxIdleTime = maxIdleTime;
	}

	public Duration getMaxLifeTime() {
		return this.maxLifeTime;
	}

	public void setMaxLifeTime(Duration maxLifeTime) {
		this.maxLifeTime = maxLifeTime;
	}

	public @Nullable Duration getEvictInBackground() {
		return this.evictInBackground;
	}

	public void setEvictInBackground(@Nullable Duration evictInBackground) {
		this.evictInBackground = evictInBackground;
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public boolean isKeepCancelledDials() {
		return this.keepCancelledDials;
	}

	public void setKeepCancelledDials(boolean keepCancelledDials) {
		this.keepCancelledDials = keepCancelledDials;
	}

	public Map<String, HostPool> getHosts() {
		return this.hosts;
	}

	public void setHosts(Map<String, HostPool> hosts) {
		this.hosts = hosts;
	}

	public Http2 getHttp2() {
		return this.http2;
	}

	/**
	 * Order in which idle connections are handed out.
	 */
	public enum LeasingStrategy {

		/** Least recently used first. */
		FIFO,

		/** Most recently used first. */
		LIFO

	}

	/**
	 * HTTP/2 limits of the pool. A stream is one request; max-connections caps the connections.
	 */
	public static class Http2 {

		/**
		 * Maximum number of concurrent streams per HTTP/2 connection; the lower of this and the server's own
		 * limit (its SETTINGS_MAX_CONCURRENT_STREAMS) applies. Unset: the server's limit.
		 */
		private @Nullable Integer maxConcurrentStreams;

		/**
		 * Minimum number of HTTP/2 connections per remote host the pool keeps for streams (best effort).
		 */
		private int minConnections = 0;

		/**
		 * Whether a new HTTP/2 connection is opened only when every open one has reached its stream limit.
		 * Off, a burst of requests can open several connections where one would carry them all.
		 */
		private boolean strictConnectionReuse = true;

		public @Nullable Integer getMaxConcurrentStreams() {
			return this.maxConcurrentStreams;
		}

		public void setMaxConcurrentStreams(@Nullable Integer maxConcurrentStreams) {
			this.maxConcurrentStreams = maxConcurrentStreams;
		}

		public int getMinConnections() {
			return this.minConnections;
		}

		public void setMinConnections(int minConnections) {
			this.minConnections = minConnections;
		}

		public boolean isStrictConnectionReuse() {
			return this.strictConnectionReuse;
		}

		public void setStrictConnectionReuse(boolean strictConnectionReuse) {
			this.strictConnectionReuse = strictConnectionReuse;
		}

	}

	/**
	 * HTTP/2 limits for one remote host; what is unset is taken from the pool's own settings.
	 */
	public static class HostHttp2 {

		/**
		 * Maximum number of concurrent streams per HTTP/2 connection to this host.
		 */
		private @Nullable Integer maxConcurrentStreams;

		/**
		 * Minimum number of HTTP/2 connections to this host the pool keeps for streams.
		 */
		private @Nullable Integer minConnections;

		/**
		 * Whether a new HTTP/2 connection to this host is opened only when every open one is full.
		 */
		private @Nullable Boolean strictConnectionReuse;

		public @Nullable Integer getMaxConcurrentStreams() {
			return this.maxConcurrentStreams;
		}

		public void setMaxConcurrentStreams(@Nullable Integer maxConcurrentStreams) {
			this.maxConcurrentStreams = maxConcurrentStreams;
		}

		public @Nullable Integer getMinConnections() {
			return this.minConnections;
		}

		public void setMinConnections(@Nullable Integer minConnections) {
			this.minConnections = minConnections;
		}

		public @Nullable Boolean getStrictConnectionReuse() {
			return this.strictConnectionReuse;
		}

		public void setStrictConnectionReuse(@Nullable Boolean strictConnectionReuse) {
			this.strictConnectionReuse = strictConnectionReuse;
		}

	}

	/**
	 * Limits for one remote host; what is unset is taken from the pool's own settings.
	 */
	public static class HostPool {

		/**
		 * Maximum number of connections to this host.
		 */
		private @Nullable Integer maxConnections;

		/**
		 * Maximum number of requests waiting for a connection to this host; -1 for no limit.
		 */
		private @Nullable Integer pendingAcquireMaxCount;

		/**
		 * Maximum time a request to this host waits for a connection.
		 */
		private @Nullable Duration pendingAcquireTimeout;

		/**
		 * Which idle connection to this host a request gets: 'lifo' or 'fifo'.
		 */
		private @Nullable LeasingStrategy leasingStrategy;

		/**
		 * Maximum time a connection to this host may sit idle.
		 */
		private @Nullable Duration maxIdleTime;

		/**
		 * Maximum time a connection to this host may live.
		 */
		private @Nullable Duration maxLifeTime;

		/**
		 * Interval of background eviction for this host's connections.
		 */
		private @Nullable Duration evictInBackground;

		/**
		 * HTTP/2 limits for this host.
		 */
		private final HostHttp2 http2 = new HostHttp2();

		public HostHttp2 getHttp2() {
			return this.http2;
		}

		public @Nullable Integer getMaxConnections() {
			return this.maxConnections;
		}

		public void setMaxConnections(@Nullable Integer maxConnections) {
			this.maxConnections = maxConnections;
		}

		public @Nullable Integer getPendingAcquireMaxCount() {
			return this.pendingAcquireMaxCount;
		}

		public void setPendingAcquireMaxCount(@Nullable Integer pendingAcquireMaxCount) {
			this.pendingAcquireMaxCount = pendingAcquireMaxCount;
		}

		public @Nullable Duration getPendingAcquireTimeout() {
			return this.pendingAcquireTimeout;
		}

		public void setPendingAcquireTimeout(@Nullable Duration pendingAcquireTimeout) {
			this.pendingAcquireTimeout = pendingAcquireTimeout;
		}

		public @Nullable LeasingStrategy getLeasingStrategy() {
			return this.leasingStrategy;
		}

		public void setLeasingStrategy(@Nullable LeasingStrategy leasingStrategy) {
			this.leasingStrategy = leasingStrategy;
		}

		public @Nullable Duration getMaxIdleTime() {
			return this.maxIdleTime;
		}

		public void setMaxIdleTime(@Nullable Duration maxIdleTime) {
			this.maxIdleTime = maxIdleTime;
		}

		public @Nullable Duration getMaxLifeTime() {
			return this.maxLifeTime;
		}

		public void setMaxLifeTime(@Nullable Duration maxLifeTime) {
			this.maxLifeTime = maxLifeTime;
		}

		public @Nullable Duration getEvictInBackground() {
			return this.evictInBackground;
		}

		public void setEvictInBackground(@Nullable Duration evictInBackground) {
			this.evictInBackground = evictInBackground;
		}

	}

}
