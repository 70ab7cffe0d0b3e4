package io.conntrace.trace;

import java.io.IOException;
import java.net.URI;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;
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
	 * retried. An HTTP/2 stream opened beside others met the connection as the first stream of their burst
	 * did: idle, if that one found it idle.
	 * @param attempts what the request's attempts ran on
	 * @return whether it is a stale-connection failure
	 */
	public static boolean isStale(RequestAttempts attempts) {
		return attempts.attempts() == 1 && attempts.reused() && attempts.staleIdleNanos() >= 0
				&& !attempts.responseStarted();
	}

	/**
	 * Return why a failed request may be sent again, if it may: an HTTP/2 stream the server said it never
	 * processed (GOAWAY, REFUSED_STREAM, or opened on a connection already going away), whatever the error; or,
	 * for an error that says the connection closed under the request, a stale connection ({@link #isStale}). The
	 * attempt count is read first: a timeout's error may come from another thread while the event loop still
	 * writes the record, and the count, written last, publishes the attempt's facts.
	 * @param error the request's error
	 * @param attempts what the request's attempts ran on
	 * @return the cause, {@code null} when the failure is none of these
	 */
	public static @Nullable RetryCause retryCause(Throwable error, RequestAttempts attempts) {
		if (attempts.attempts() != 1 || attempts.responseStarted()) {
			return null;
		}
		RetryCause unprocessed = attempts.unprocessed();
		if (unprocessed != null) {
			return unprocessed;
		}
		return (closedConnection(error) && isStale(attempts)) ? RetryCause.STALE_CONNECTION : null;
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
	 * Tell a listener what was done about a request to the given URL that may be sent again: a stale connection
	 * met (once per connection: an HTTP/2 connection takes its burst's streams with it), and the request sent
	 * again. A URL whose server cannot be told is not counted.
	 * @param listener the listener, for example the meters
	 * @param url the request's URL
	 * @param attempts what the request's attempts ran on
	 * @param cause why it may be sent again
	 * @param sentAgain whether it is
	 */
	public static void tell(ConnectionListener listener, URI url, RequestAttempts attempts, RetryCause cause,
			boolean sentAgain) {
		String host = RequestServer.host(url);
		if (host.isEmpty()) {
			return;
		}
		int port = RequestServer.port(url);
		if (cause == RetryCause.STALE_CONNECTION && attempts.firstToFindItsConnectionStale()) {
			listener.staleConnection(host, port, sentAgain ? StaleAction.RETRIED : StaleAction.FAILED);
		}
		if (sentAgain) {
			listener.requestRetried(host, port, cause);
		}
	}

	/**
	 * Put the failed first attempt on the request's span before it is sent again: the retry's cause, the
	 * first connection's id and idle time, and a {@code conntrace.retry} event now.
	 * @param observation the request's observation
	 * @param first the failed attempt
	 * @param cause why it is sent again
	 */
	public static void retrying(Observation observation, RequestAttempts first, RetryCause cause) {
		if (observation.isNoop()) {
			return;
		}
		// The first attempt's facts must not outlive it, even if the retry never reaches a connection.
		observation.getContext().remove(RequestFacts.KEY);
		FactWriter attributes = SpanFacts.writer(observation.getContext());
		attributes.text(ConnectionSpanAttributes.RETRY.asString(), cause.value());
		String id = first.connectionId();
		if (id != null) {
			attributes.text(ConnectionSpanAttributes.RETRY_FIRST_CONNECTION_ID.asString(), id);
		}
		if (first.staleIdleNanos() >= 0) {
			attributes.millis(ConnectionSpanAttributes.RETRY_FIRST_CONNECTION_IDLE, first.staleIdleNanos());
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
		return RequestFailureDescriber.description(text.toString());
	}

}
