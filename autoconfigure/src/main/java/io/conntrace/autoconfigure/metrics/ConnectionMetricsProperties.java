package io.conntrace.autoconfigure.metrics;

import io.conntrace.autoconfigure.PropertyCheck;

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

	/**
	 * Return {@code max-servers}, failing startup when it is out of range: the one cap of the meters' tags
	 * and of the servers the pool activity follows.
	 * @return the cap
	 */
	public int checkedMaxServers() {
		PropertyCheck.between("conntrace.metrics.max-servers", this.maxServers, 1, 10_000);
		return this.maxServers;
	}

}
