package io.conntrace.autoconfigure.keepalive;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * TCP keep-alive on the connections of every WebClient built from Boot's builder.
 */
@ConfigurationProperties("conntrace.keep-alive")
public class KeepAliveProperties {

	/**
	 * Whether to send TCP keep-alive probes on idle connections, so a peer or middlebox that vanished
	 * without closing the connection is noticed.
	 */
	private boolean enabled = true;

	/**
	 * Idle time before the first probe, in whole seconds.
	 */
	private Duration idle = Duration.ofSeconds(60);

	/**
	 * Time between probes, in whole seconds.
	 */
	private Duration interval = Duration.ofSeconds(10);

	/**
	 * Probes without an answer before the connection is dropped.
	 */
	private int count = 3;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getIdle() {
		return this.idle;
	}

	public void setIdle(Duration idle) {
		this.idle = idle;
	}

	public Duration getInterval() {
		return this.interval;
	}

	public void setInterval(Duration interval) {
		this.interval = interval;
	}

	public int getCount() {
		return this.count;
	}

	public void setCount(int count) {
		this.count = count;
	}

}
