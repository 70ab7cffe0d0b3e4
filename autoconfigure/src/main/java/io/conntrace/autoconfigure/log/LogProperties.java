package io.conntrace.autoconfigure.log;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * A one-line log per WebClient request with its connection facts, like curl's {@code -w}, for where no
 * tracing backend runs.
 */
@ConfigurationProperties("conntrace.log")
public class LogProperties {

	/**
	 * Whether to log one line per request at INFO on the logger io.conntrace.log: method, server, path
	 * (never the query), status or error, and the connection's facts and phase times.
	 */
	private boolean enabled = false;

	/**
	 * Log only requests whose total time or acquire time exceeded this. Unset logs every request.
	 */
	private @Nullable Duration slowerThan;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable Duration getSlowerThan() {
		return this.slowerThan;
	}

	public void setSlowerThan(@Nullable Duration slowerThan) {
		this.slowerThan = slowerThan;
	}

}
