package io.conntrace.autoconfigure.trace;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Connection facts on request spans.
 */
@ConfigurationProperties("conntrace.trace")
public class TraceProperties {

	/**
	 * Whether to put conntrace's attributes and events on each request's span.
	 */
	private boolean enabled = true;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

}
