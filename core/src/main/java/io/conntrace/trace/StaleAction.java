package io.conntrace.trace;

/**
 * What conntrace did about a stale keep-alive connection: one the server closes, or is about to close,
 * while the client still holds it idle.
 */
public enum StaleAction {

	/** The pool closed it before handing it out, because it had been idle about as long as the server allows. */
	EVICTED("evicted"),

	/** A request failed on it before any response byte and was sent again. */
	RETRIED("retried"),

	/** A request failed on it before any response byte and could not be sent again. */
	FAILED("failed");

	private final String value;

	StaleAction(String value) {
		this.value = value;
	}

	/**
	 * Return the action as a metric tag value.
	 * @return the tag value
	 */
	public String tagValue() {
		return this.value;
	}

}
