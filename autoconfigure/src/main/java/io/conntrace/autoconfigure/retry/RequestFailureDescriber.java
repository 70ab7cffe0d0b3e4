package io.conntrace.autoconfigure.retry;

import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.WebClientRequestException;

/**
 * Adds what conntrace knows to a WebClient request's final failure, for example a full pool's limits.
 * Every describer runs inside the one filter conntrace puts on Boot's {@code WebClient.Builder}, after the
 * stale-connection retry had its say: a request pays for one filter, however many concerns look at its
 * failure. A describer's own failure is caught; the caller always gets its own error.
 */
@FunctionalInterface
public interface RequestFailureDescriber {

	/**
	 * Describe the failure, typically by adding a suppressed exception to it.
	 * @param request the request, as the filter got it
	 * @param failure the error the caller is about to get
	 * @param startNanos when the request entered the filter ({@link System#nanoTime()})
	 */
	void describe(ClientRequest request, WebClientRequestException failure, long startNanos);

}
