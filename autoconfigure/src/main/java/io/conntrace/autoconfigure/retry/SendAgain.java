package io.conntrace.autoconfigure.retry;

import java.util.Set;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;

/**
 * Which requests conntrace may send again after a stale connection failed them, one rule for WebClient
 * and for the gateway's proxied calls.
 */
public final class SendAgain {

	private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
			HttpMethod.TRACE, HttpMethod.PUT, HttpMethod.DELETE);

	private static final String IDEMPOTENCY_KEY = "Idempotency-Key";

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
		return IDEMPOTENT.contains(method) || properties.isNonIdempotent() || headers.containsHeader(IDEMPOTENCY_KEY);
	}

}
