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

	/**
	 * Whether to give WebClient beans made without Boot's builder the application's observation registry
	 * (without it they make no span at all) and check their connector on their first request. Turn off to
	 * keep such a bean unobserved, for example an exporter's own client.
	 */
	private boolean webClientBeans = true;

	public boolean isWebClientBeans() {
		return this.webClientBeans;
	}

	public void setWebClientBeans(boolean webClientBeans) {
		this.webClientBeans = webClientBeans;
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

}
