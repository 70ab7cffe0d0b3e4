package io.conntrace.trace;

import java.util.List;

/**
 * Tells several listeners, each guarded so that one listener's failure neither reaches the request nor
 * keeps the others from hearing.
 */
final class CompositeConnectionListener implements ConnectionListener {

	/** An array: the loop runs on every request, and needs no iterator. */
	private final ConnectionListener[] listeners;

	CompositeConnectionListener(List<ConnectionListener> listeners) {
		this.listeners = listeners.toArray(new ConnectionListener[0]);
	}

	@Override
	public void requestBound(String host, int port, boolean reused, long acquireNanos, long poolWaitNanos) {
		for (ConnectionListener listener : this.listeners) {
			try {
				listener.requestBound(host, port, reused, acquireNanos, poolWaitNanos);
			}
			catch (Throwable ex) {
				Guard.failed(Hook.CONFIGURED, ex);
			}
		}
	}

	@Override
	public void nameResolved(String host, int port, long nanos) {
		for (ConnectionListener listener : this.listeners) {
			try {
				listener.nameResolved(host, port, nanos);
			}
			catch (Throwable ex) {
				Guard.failed(Hook.RESOLVE_END, ex);
			}
		}
	}

	@Override
	public void connectionOpened(ConnectionInfo connection) {
		for (ConnectionListener listener : this.listeners) {
			try {
				listener.connectionOpened(connection);
			}
			catch (Throwable ex) {
				Guard.failed(Hook.ACQUIRED, ex);
			}
		}
	}

	@Override
	public void connectionEnded(ConnectionInfo connection, CloseReason reason) {
		for (ConnectionListener listener : this.listeners) {
			try {
				listener.connectionEnded(connection, reason);
			}
			catch (Throwable ex) {
				Guard.failed(Hook.CLOSED, ex);
			}
		}
	}

	@Override
	public void connectionClosed(String host, int port, CloseReason reason, long lifetimeNanos, int requests) {
		for (ConnectionListener listener : this.listeners) {
			try {
				listener.connectionClosed(host, port, reason, lifetimeNanos, requests);
			}
			catch (Throwable ex) {
				Guard.failed(Hook.CLOSED, ex);
			}
		}
	}

	@Override
	public void requestRetried(String host, int port, RetryCause cause) {
		for (ConnectionListener listener : this.listeners) {
			try {
				listener.requestRetried(host, port, cause);
			}
			catch (Throwable ex) {
				Guard.failed(Hook.EVICTION, ex);
			}
		}
	}

	@Override
	public void staleConnection(String host, int port, StaleAction action) {
		for (ConnectionListener listener : this.listeners) {
			try {
				listener.staleConnection(host, port, action);
			}
			catch (Throwable ex) {
				Guard.failed(Hook.EVICTION, ex);
			}
		}
	}

	@Override
	public void acquireCancelled(String host, int port, String phase) {
		for (ConnectionListener listener : this.listeners) {
			try {
				listener.acquireCancelled(host, port, phase);
			}
			catch (Throwable ex) {
				Guard.failed(Hook.CANCEL, ex);
			}
		}
	}

	@Override
	public void poolDisposing() {
		for (ConnectionListener listener : this.listeners) {
			try {
				listener.poolDisposing();
			}
			catch (Throwable ex) {
				Guard.failed(Hook.CLOSED, ex);
			}
		}
	}

}
