package io.conntrace.trace;

/**
 * How a connection ended, as far as conntrace could see it.
 */
public enum CloseReason {

	/** The pool closed it after it sat idle for the pool's maximum idle time. */
	IDLE_EVICTED("idle-evicted"),

	/** The pool closed it after it reached the pool's maximum life time. */
	MAX_LIFE("max-life"),

	/** The server closed it (FIN or reset) without the client asking. */
	SERVER_CLOSED("server-closed"),

	/** The connection failed with an I/O or protocol error. */
	ERROR("error"),

	/** The pool closed it because the pool itself was disposed. */
	POOL_DISPOSED("pool-disposed"),

	/** The client closed it for another reason, for example a {@code Connection: close} exchange. */
	CLIENT_CLOSED("client-closed");

	private final String value;

	CloseReason(String value) {
		this.value = value;
	}

	/**
	 * Return the reason as a metric tag value.
	 * @return the tag value
	 */
	public String tagValue() {
		return this.value;
	}

}
