package io.conntrace.trace;

import java.io.IOException;
import java.net.URI;

import io.micrometer.observation.Observation;
import reactor.netty.http.client.PrematureCloseException;

/**
 * Judges whether a failed request met a stale keep-alive connection, and tells it: on the span when the
 * request is sent again, and on the error when it is not.
 */
public final class StaleConnections {

	private StaleConnections() {
	}

	/**
	 * Return whether the request's only attempt failed on a reused connection that had sat idle, before
	 * any response byte: the connection the server had closed, or was closing, while it sat idle in the
	 * pool. An attempt on a new connection is never stale, and neither is one Reactor Netty already
	 * retried, nor an HTTP/2 stream that opened beside others on a busy connection (it was not idle).
	 * @param attempts what the request's attempts ran on
	 * @return whether it is a stale-connection failure
	 */
	public static boolean isStale(RequestAttempts attempts) {
		return attempts.attempts() == 1 && attempts.reused() && attempts.idleNanos() >= 0
				&& !attempts.responseStarted();
	}

	/**
	 * Return whether an error, or one of its causes, says the connection closed or was reset under the
	 * request, as opposed to a timeout or a refused connect: the way a stale connection fails.
	 * @param error the request's error, as the client or a proxy passes it on
	 * @return whether a closed connection caused it
	 */
	public static boolean closedConnection(Throwable error) {
		for (Throwable cause = error; cause != null; cause = cause.getCause()) {
			if (cause instanceof PrematureCloseException || cause instanceof IOException) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Tell a listener what was done about a stale connection met by a request to the given URL. A URL whose
	 * server cannot be told is not counted.
	 * @param listener the listener, for example the meters
	 * @param url the request's URL
	 * @param action what was done
	 */
	public static void tell(ConnectionListener listener, URI url, StaleAction action) {
		String host = RequestServer.host(url);
		if (!host.isEmpty()) {
			listener.staleConnection(host, RequestServer.port(url), action);
		}
	}

	/**
	 * Put the failed first attempt on the request's span before it is sent again: the retry reason, the
	 * stale connection's id and idle time, and a {@code conntrace.retry} event now.
	 * @param observation the request's observation
	 * @param first the failed attempt
	 */
	public static void retrying(Observation observation, RequestAttempts first) {
		if (observation.isNoop()) {
			return;
		}
		// The first attempt's facts must not outlive it, even if the retry never reaches a connection.
		observation.getContext().remove(RequestFacts.KEY);
		FactWriter attributes = SpanFacts.writer(observation.getContext());
		attributes.text(ConnectionSpanAttributes.RETRY.asString(), "stale-connection");
		String id = first.connectionId();
		if (id != null) {
			attributes.text(ConnectionSpanAttributes.RETRY_FIRST_CONNECTION_ID.asString(), id);
		}
		if (first.idleNanos() >= 0) {
			attributes.millis(ConnectionSpanAttributes.RETRY_FIRST_CONNECTION_IDLE, first.idleNanos());
		}
		if (TracingSpan.AVAILABLE) {
			TracingSpan.event(observation, ConnectionSpanEvents.RETRY.asString(), System.currentTimeMillis());
		}
	}

	/**
	 * Add to a failure the connection its attempt ran on ({@link #describe}), if the attempt got one.
	 * @param failure the error the caller gets
	 * @param attempts what the attempts ran on
	 * @param retried whether these are the attempts of a request sent again
	 */
	public static void describeFailure(Throwable failure, RequestAttempts attempts, boolean retried) {
		if (attempts.attempts() > 0) {
			failure.addSuppressed(describe(attempts, retried));
		}
	}

	/**
	 * Return a description of the connection a failed attempt ran on, to add to the error as a suppressed
	 * exception: the error keeps its type and message, and its log shows which connection failed and how
	 * long it had been idle.
	 * @param attempts what the request's attempts ran on
	 * @param retried whether this was the attempt after a retry
	 * @return the description
	 */
	public static RuntimeException describe(RequestAttempts attempts, boolean retried) {
		StringBuilder text = new StringBuilder("conntrace: the request");
		if (retried) {
			text.append("'s retry");
		}
		text.append(" ran on ").append(attempts.reused() ? "reused" : "new").append(" connection ");
		text.append(attempts.connectionId());
		if (attempts.reused() && attempts.idleNanos() >= 0) {
			text.append(", idle ").append(Millis.format(attempts.idleNanos())).append(" ms before it");
		}
		text.append(attempts.responseStarted() ? "; the response had started" : "; no response byte arrived");
		return new ConnectionDescription(text.toString());
	}

	/** Carries a description only: no stack trace, it is attached to an error that has one. */
	private static final class ConnectionDescription extends RuntimeException {

		ConnectionDescription(String message) {
			super(message, null, false, false);
		}

	}

}
