package io.conntrace.autoconfigure.retry;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Retry of requests that failed on a stale keep-alive connection.
 */
@ConfigurationProperties("conntrace.retry")
public class RetryProperties {

	/**
	 * Whether to send again, once, a request that failed on a reused connection before any response byte
	 * arrived, when its method is idempotent (GET, HEAD, OPTIONS, TRACE, PUT, DELETE).
	 */
	private boolean enabled = true;

	/**
	 * Whether POST and PATCH requests may be sent again too. Requests carrying an Idempotency-Key header
	 * are sent again without this.
	 */
	private boolean nonIdempotent = false;

	/**
	 * Whether requests with a body may be sent again. Spring writes the body again: safe for a value or a
	 * cold publisher, not for a one-shot publisher such as a proxied request body.
	 */
	private boolean replayBody = false;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public boolean isNonIdempotent() {
		return this.nonIdempotent;
	}

	public void setNonIdempotent(boolean nonIdempotent) {
		this.nonIdempotent = nonIdempotent;
	}

	public boolean isReplayBody() {
		return this.replayBody;
	}

	public void setReplayBody(boolean replayBody) {
		this.replayBody = replayBody;
	}

}
