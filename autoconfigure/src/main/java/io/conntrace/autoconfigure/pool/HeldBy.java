package io.conntrace.autoconfigure.pool;

import io.conntrace.trace.ConnectionInfo;
import org.jspecify.annotations.Nullable;

/** The request holding a connection as the endpoint and the full-pool WARN write it: its path only if shown. */
final class HeldBy {

	/** What a hidden path reads, as Boot's endpoints write a hidden value. */
	static final String HIDDEN = "******";

	private HeldBy() {
	}

	/**
	 * @param connection the connection
	 * @param paths whether request paths are shown
	 * @return {@code GET /orders}, or {@code GET ******}; {@code null} when no request holds it
	 */
	static @Nullable String request(ConnectionInfo connection, boolean paths) {
		if (paths) {
			return connection.currentRequest();
		}
		String method = connection.currentRequestMethod();
		return (method != null) ? method + " " + HIDDEN : null;
	}

}
