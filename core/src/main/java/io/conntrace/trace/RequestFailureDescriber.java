package io.conntrace.trace;

import java.net.URI;

/**
 * Adds what conntrace knows to a request's final failure, for example a full pool's limits. Run by
 * conntrace's stale-connection retry on the failure its caller is about to get, after the retry had its
 * say: on WebClient by its one filter, on blocking calls by {@link BlockingCalls}. A describer's own
 * failure is caught; the caller always gets its own error.
 */
@FunctionalInterface
public interface RequestFailureDescriber {

	/**
	 * Describe the failure, typically by adding a suppressed exception to it.
	 * @param url the request's URL
	 * @param failure the error the caller is about to get (WebClient's exception, or for a blocking call
	 * the client's own, which the caller gets as the cause of its I/O error)
	 * @param startNanos when the request began ({@link System#nanoTime()})
	 */
	void describe(URI url, Throwable failure, long startNanos);

	/**
	 * Return an exception that carries a description only, to add to a failure as a suppressed exception: no
	 * stack trace, the failure has one. The failure keeps its type and message, and its log shows the
	 * description.
	 * @param message the description
	 * @return the exception to add
	 */
	static RuntimeException description(String message) {
		return new FailureDescription(message);
	}

}
