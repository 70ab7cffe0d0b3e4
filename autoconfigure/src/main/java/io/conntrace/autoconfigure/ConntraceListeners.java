package io.conntrace.autoconfigure;

import io.conntrace.trace.ConnectionListener;

import org.springframework.beans.factory.ObjectProvider;

/**
 * The application's {@link ConnectionListener} beans as the one listener each conntrace part reports to, in
 * their order: the meters, the pool's activity, and any of the application's own.
 */
public final class ConntraceListeners {

	private ConntraceListeners() {
	}

	/**
	 * Return every listener bean as one.
	 * @param listeners the listener beans
	 * @return a listener telling each of them, in order
	 */
	public static ConnectionListener of(ObjectProvider<ConnectionListener> listeners) {
		return ConnectionListener.of(listeners.orderedStream().toList());
	}

}
