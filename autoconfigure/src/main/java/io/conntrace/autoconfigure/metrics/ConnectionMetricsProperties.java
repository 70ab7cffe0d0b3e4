package io.conntrace.autoconfigure.metrics;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Meters for connections and the connection pool.
 */
@ConfigurationProperties("conntrace.metrics")
public class ConnectionMetricsProperties {

	/**
	 * Whether to register conntrace's meters and the pool's gauges with the application's MeterRegistry.
	 */
	private boolean enabled = true;

	/**
	 * Number of distinct servers (host and port) that get their own server.address and server.port tag
	 * values; the rest share the value '_other', so calling many hosts cannot explode a registry.
	 */
	private int maxServers = 100;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public int getMaxServers() {
		return this.maxServers;
	}

	public void setMaxServers(int maxServers) {
		this.maxServers = maxServers;
	}

}
