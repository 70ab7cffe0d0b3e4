package io.conntrace.autoconfigure.retry;

import io.conntrace.trace.ConnectionListener;
import io.conntrace.trace.RequestAttempts;
import io.conntrace.trace.StaleAction;
import io.conntrace.trace.StaleConnections;
import io.micrometer.observation.Observation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import org.springframework.web.reactive.function.client.WebClientRequestException;

/**
 * Sends a request again, once, when it failed on a stale keep-alive connection: a reused connection,
 * closed before any response byte arrived (see {@link StaleConnections#isStale}). Only requests that
 * are safe to repeat: idempotent methods (RFC 9110: GET, HEAD, OPTIONS, TRACE, PUT, DELETE), or any
 * method carrying an {@code Idempotency-Key} header, whose server then recognises the repeat; and
 * without a body unless its replay is allowed. A timeout is never retried: the server may be working
 * on the request. Whatever fails still fails with its own error, which names the connection it ran on.
 */
final class StaleConnectionRetry implements ExchangeFilterFunction {

	private static final Log logger = LogFactory.getLog(StaleConnectionRetry.class);

	private final RetryProperties properties;

	private final ConnectionListener listener;

	StaleConnectionRetry(RetryProperties properties, ConnectionListener listener) {
		this.properties = properties;
		this.listener = listener;
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		// Per subscription: an outer filter that resubscribes must not share one attempt record.
		return Mono.defer(() -> {
			RequestAttempts first = new RequestAttempts();
			return next.exchange(request)
				.contextWrite(Context.of(RequestAttempts.KEY, first))
				.onErrorResume(WebClientRequestException.class, (ex) -> afterFailure(request, next, first, ex));
		});
	}

	private Mono<ClientResponse> afterFailure(ClientRequest request, ExchangeFunction next, RequestAttempts first,
			WebClientRequestException ex) {
		Decision decision = decide(request, first, ex);
		if (decision != Decision.RETRY) {
			return Mono.error(ex);
		}
		RequestAttempts retry = new RequestAttempts();
		return Mono.deferContextual((context) -> {
			Observation observation = context.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
			if (observation != null) {
				guarded(() -> StaleConnections.retrying(observation, first));
			}
			return next.exchange(request);
		})
			.contextWrite(Context.of(RequestAttempts.KEY, retry))
			.onErrorMap(WebClientRequestException.class, (retryFailure) -> {
				if (retry.attempts() > 0) {
					guarded(() -> retryFailure.addSuppressed(StaleConnections.describe(retry, true)));
				}
				return retryFailure;
			});
	}

	/** Everything conntrace does about a failure is guarded: the caller always gets its own error. */
	private Decision decide(ClientRequest request, RequestAttempts first, WebClientRequestException ex) {
		try {
			if (first.attempts() > 0) {
				ex.addSuppressed(StaleConnections.describe(first, false));
			}
			if (!StaleConnections.isStale(first) || !StaleConnections.closedConnection(ex.getCause())) {
				return Decision.FAIL;
			}
			boolean retry = this.properties.isEnabled() && repeatable(request);
			StaleConnections.tell(this.listener, request.url(), retry ? StaleAction.RETRIED : StaleAction.FAILED);
			return retry ? Decision.RETRY : Decision.FAIL;
		}
		catch (Throwable failure) {
			logger.debug("conntrace could not judge a failed request", failure);
			return Decision.FAIL;
		}
	}

	private static void guarded(Runnable action) {
		try {
			action.run();
		}
		catch (Throwable failure) {
			logger.debug("conntrace could not describe a retried request", failure);
		}
	}

	private enum Decision {

		RETRY, FAIL

	}

	private boolean repeatable(ClientRequest request) {
		boolean idempotent = SendAgain.idempotent(request.method(), request.headers(), this.properties);
		// A request without a body keeps Spring's shared empty inserter, the only body known to be repeatable.
		boolean bodyRepeatable = request.body() == BodyInserters.empty() || this.properties.isReplayBody();
		return idempotent && bodyRepeatable;
	}

}
