package io.conntrace.trace;

/**
 * Receives the facts conntrace records, for uses beyond the span (metrics). Called on Netty event
 * loops: implementations must be fast, must not block and should not throw (what they throw is
 * caught and logged, never passed to the request). {@code host} is the host the request named (a
 * name or an IP literal), never the resolved address.
 */
public interface ConnectionListener {

	/** A listener that ignores everything. */
	ConnectionListener NONE = new ConnectionListener() {
	};

	/**
	 * Return one listener that tells all the given ones, each guarded against the others' failures.
	 * @param listeners the listeners, possibly none
	 * @return {@link #NONE}, the only one, or a composite
	 */
	static ConnectionListener of(java.util.List<ConnectionListener> listeners) {
		if (listeners.isEmpty()) {
			return NONE;
		}
		return (listeners.size() == 1) ? listeners.get(0) : new CompositeConnectionListener(listeners);
	}

	/**
	 * A request was bound to its connection.
	 * @param host the host the request named
	 * @param port the remote port
	 * @param reused whether an earlier request already used the connection
	 * @param acquireNanos time from asking the pool until the connection was ready, or -1 if unknown
	 * @param poolWaitNanos the part of it spent waiting for a pool slot, or -1 if unknown
	 */
	default void requestBound(String host, int port, boolean reused, long acquireNanos, long poolWaitNanos) {
	}

	/**
	 * A new connection resolved its host name.
	 * @param host the name resolved
	 * @param port the remote port
	 * @param nanos resolution time
	 */
	default void nameResolved(String host, int port, long nanos) {
	}

	/**
	 * A new connection was established (connected and, for TLS, handshaken). The view stays live until
	 * {@link #connectionEnded}; keep it no longer.
	 * @param connection a live view of the connection
	 */
	default void connectionOpened(ConnectionInfo connection) {
	}

	/**
	 * A connection established earlier (or not) closed; told right after {@link #connectionClosed}.
	 * @param connection the view {@link #connectionOpened} gave, if it was established
	 * @param reason how it closed
	 */
	default void connectionEnded(ConnectionInfo connection, CloseReason reason) {
	}

	/**
	 * A connection closed.
	 * @param host the host the connection was opened for
	 * @param port the remote port
	 * @param reason how it closed
	 * @param lifetimeNanos time from established to closed, or -1 if it never got established
	 * @param requests requests it carried
	 */
	default void connectionClosed(String host, int port, CloseReason reason, long lifetimeNanos, int requests) {
	}

	/**
	 * conntrace met a stale keep-alive connection and did something about it.
	 * @param host the host the connection was opened for
	 * @param port the remote port
	 * @param action what conntrace did
	 */
	default void staleConnection(String host, int port, StaleAction action) {
	}

	/**
	 * A failed request is sent again, once.
	 * @param host the host the request named
	 * @param port the remote port
	 * @param cause why
	 */
	default void requestRetried(String host, int port, RetryCause cause) {
	}

	/**
	 * A request was cancelled before it got its connection.
	 * @param host the host the request named, empty if unknown
	 * @param port the remote port, 0 if unknown
	 * @param phase where its acquire was: {@code pool}, {@code dns}, {@code connect} or {@code tls}
	 */
	default void acquireCancelled(String host, int port, String phase) {
	}

	/**
	 * The application's pool is being disposed: connections the client closes from now on close because
	 * of it ({@link CloseReason#POOL_DISPOSED}).
	 */
	default void poolDisposing() {
	}

}
