package io.conntrace.trace;

import java.util.Set;

/**
 * Which requests conntrace may send again after a stale keep-alive connection failed them, or on an HTTP/2
 * stream the server never processed ({@link RetryCause}): one rule for every client. A request is safe to repeat when sending it twice does no more than sending it once: an
 * idempotent method (RFC 9110: GET, HEAD, OPTIONS, TRACE, PUT, DELETE), an {@code Idempotency-Key}
 * header the server then recognises, or the application's say-so for the other methods; and no body,
 * unless the application says its bodies can be written again.
 */
public final class ResendRule {

	/** The header that makes any method safe to repeat. */
	public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

	private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

	/** Never sends a request again. */
	public static final ResendRule NEVER = new ResendRule(false, false, false);

	private final boolean enabled;

	private final boolean nonIdempotent;

	private final boolean replayBody;

	private ResendRule(boolean enabled, boolean nonIdempotent, boolean replayBody) {
		this.enabled = enabled;
		this.nonIdempotent = nonIdempotent;
		this.replayBody = replayBody;
	}

	/**
	 * Return a rule.
	 * @param enabled whether requests are sent again at all
	 * @param nonIdempotent whether POST and PATCH may be sent again too
	 * @param replayBody whether a request with a body may be sent again (its body written again)
	 * @return the rule
	 */
	public static ResendRule of(boolean enabled, boolean nonIdempotent, boolean replayBody) {
		return enabled ? new ResendRule(true, nonIdempotent, replayBody) : NEVER;
	}

	/**
	 * Return whether sending a request twice does no more than sending it once.
	 * @param method the request's method, in upper case
	 * @param idempotencyKey whether it carries an {@value #IDEMPOTENCY_KEY} header
	 * @param nonIdempotent whether the application allows POST and PATCH
	 * @return whether the request may be sent again
	 */
	public static boolean idempotent(String method, boolean idempotencyKey, boolean nonIdempotent) {
		return IDEMPOTENT.contains(method) || nonIdempotent || idempotencyKey;
	}

	/**
	 * Return whether a failed request may be sent again under this rule: one the server may have processed only
	 * when it is safe to repeat, one it never processed whatever its method; with a body only where bodies may be
	 * written again.
	 * @param cause why it failed
	 * @param method the request's method, in upper case
	 * @param idempotencyKey whether it carries an {@value #IDEMPOTENCY_KEY} header
	 * @param body whether it has a body
	 * @return whether to send it again
	 */
	public boolean allows(RetryCause cause, String method, boolean idempotencyKey, boolean body) {
		return this.enabled && (!cause.mayHaveBeenProcessed() || idempotent(method, idempotencyKey, this.nonIdempotent))
				&& (!body || this.replayBody);
	}

	/**
	 * Return whether this rule sends anything again.
	 * @return {@code false} for {@link #NEVER}
	 */
	public boolean enabled() {
		return this.enabled;
	}

	/**
	 * Return whether requests with a body may be sent again.
	 * @return whether bodies are written again
	 */
	public boolean replayBody() {
		return this.replayBody;
	}

}
