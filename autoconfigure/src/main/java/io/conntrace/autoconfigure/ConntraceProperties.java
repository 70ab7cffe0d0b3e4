package io.conntrace.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Top-level conntrace settings.
 */
@ConfigurationProperties("conntrace")
public class ConntraceProperties {

	/**
	 * Whether conntrace is on. When off, no WebClient is instrumented and the application behaves as
	 * without the starter.
	 */
	private boolean enabled = true;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

}
