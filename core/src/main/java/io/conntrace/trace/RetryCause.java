package io.conntrace.trace;

/**
 * Why conntrace sends a failed request again, once: the value of the span's
 * {@code conntrace.retry} attribute and of the {@code cause} tag of {@code conntrace.retries}.
 */
public enum RetryCause {

	/**
	 * A reused connection the server closed, or was closing, while it sat idle: the request failed before any
	 * response byte. The server may have seen it, so only a request that is safe to repeat is sent again.
	 */
	STALE_CONNECTION("stale-connection", true),

	/**
	 * HTTP/2: the server's GOAWAY named a last stream below the request's: it never processed the request,
	 * whatever its method.
	 */
	GOAWAY("goaway", false),

	/** HTTP/2: the server refused the request's stream (RST_STREAM REFUSED_STREAM) before processing it. */
	REFUSED_STREAM("refused-stream", false);

	private final String value;

	private final boolean mayHaveBeenProcessed;

	RetryCause(String value, boolean mayHaveBeenProcessed) {
		this.value = value;
		this.mayHaveBeenProcessed = mayHaveBeenProcessed;
	}

	/**
	 * Return the cause as spans and meters name it.
	 * @return for example {@code refused-stream}
	 */
	public String value() {
		return this.value;
	}

	/**
	 * Return whether the server may have processed the request: then only one safe to repeat (an idempotent
	 * method, an {@code Idempotency-Key}) is sent again. A request the server never processed is sent again
	 * whatever its method.
	 * @return whether sending it again needs it to be safe to repeat
	 */
	public boolean mayHaveBeenProcessed() {
		return this.mayHaveBeenProcessed;
	}

}
