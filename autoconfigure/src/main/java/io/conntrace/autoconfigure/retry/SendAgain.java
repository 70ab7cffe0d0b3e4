package io.conntrace.autoconfigure.retry;

import io.conntrace.trace.ResendRule;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;

/**
 * {@link ResendRule}, conntrace's one rule for which requests it may send again after a stale connection
 * failed them, read off Spring's request types and {@code conntrace.retry.*}.
 */
public final class SendAgain {

	private SendAgain() {
	}

	/**
	 * Return whether sending the request twice does no more than sending it once: an idempotent method, an
	 * {@code Idempotency-Key} header, or {@code conntrace.retry.non-idempotent}.
	 * @param method the request's method
	 * @param headers the request's headers
	 * @param properties {@code conntrace.retry.*}
	 * @return whether the request may be sent again
	 */
	public static boolean idempotent(HttpMethod method, HttpHeaders headers, RetryProperties properties) {
		return ResendRule.idempotent(method.name(), headers.containsHeader(ResendRule.IDEMPOTENCY_KEY),
				properties.isNonIdempotent());
	}

	/**
	 * Return the rule for clients that judge a request by its Reactor Netty form (blocking calls).
	 * @param properties {@code conntrace.retry.*}
	 * @return the rule
	 */
	public static ResendRule rule(RetryProperties properties) {
		return ResendRule.of(properties.isEnabled(), properties.isNonIdempotent(), properties.isReplayBody());
	}

}
