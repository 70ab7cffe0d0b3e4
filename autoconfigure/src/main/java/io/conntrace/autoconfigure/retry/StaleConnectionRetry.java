package io.conntrace.autoconfigure.retry;

import java.util.List;

import io.conntrace.trace.ConnectionListener;
import io.conntrace.trace.RequestAttempts;
import io.conntrace.trace.RequestFailureDescriber;
import io.conntrace.trace.ResendOnce;
import io.conntrace.trace.ResendRule;
import io.conntrace.trace.RetryCause;
import io.conntrace.trace.StaleConnections;
import io.micrometer.observation.Observation;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import org.springframework.web.reactive.function.client.WebClientRequestException;

/**
 * conntrace's one filter on Boot's WebClient. It sends a request again, once, when it failed on a stale
 * keep-alive connection (a reused connection, closed before any response byte arrived: see
 * {@link StaleConnections#isStale}), if it is safe to repeat ({@link ResendRule}), or on an HTTP/2 stream the
 * server said it never processed (GOAWAY, REFUSED_STREAM), whatever its method ({@link RetryCause}); in both cases
 * without a body unless its replay is allowed. A timeout is never retried: the server may be working on the request.
 * Whatever fails still fails with its own error, which names the connection it ran on and gains what the
 * {@link RequestFailureDescriber}s add.
 * <p>
 * One operator of its own ({@link ResendOnce}) rather than {@code defer}, {@code contextWrite} and
 * {@code onErrorResume}: every request passes through here, and a request that succeeds should pay for one
 * subscriber and its record.
 */
final class StaleConnectionRetry implements ExchangeFilterFunction {

	private static final Log logger = LogFactory.getLog(StaleConnectionRetry.class);

	private final RetryProperties properties;

	private final ConnectionListener listener;

	private final RequestFailureDescriber[] describers;

	StaleConnectionRetry(RetryProperties properties, ConnectionListener listener,
			List<RequestFailureDescriber> describers) {
		this.properties = properties;
		this.listener = listener;
		this.describers = describers.toArray(new RequestFailureDescriber[0]);
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		return new Attempted(next.exchange(request), request, next, this);
	}

	/**
	 * Whether to send the request again, its span told so when it is; everything it does is guarded: the caller
	 * always gets its own error.
	 */
	private boolean sendsAgain(ClientRequest request, RequestAttempts first, Throwable error, Context callerContext) {
		RetryCause cause = (error instanceof WebClientRequestException ex) ? decideRetry(request, first, ex) : null;
		if (cause == null) {
			return false;
		}
		Observation observation = callerContext.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
		if (observation != null) {
			guarded(() -> StaleConnections.retrying(observation, first, cause));
		}
		return true;
	}

	/** Why the request is sent again, {@code null} if it is not. */
	private @Nullable RetryCause decideRetry(ClientRequest request, RequestAttempts first,
			WebClientRequestException ex) {
		try {
			StaleConnections.describeFailure(ex, first, false);
			RetryCause cause = StaleConnections.retryCause(ex.getCause(), first);
			if (cause == null) {
				return null;
			}
			boolean retry = this.properties.isEnabled() && repeatable(request, cause);
			StaleConnections.tell(this.listener, request.url(), first, cause, retry);
			return retry ? cause : null;
		}
		catch (Throwable failure) {
			logger.debug("conntrace could not judge a failed request", failure);
			return null;
		}
	}

	private void describe(ClientRequest request, Throwable error, long startNanos) {
		if (error instanceof WebClientRequestException failure) {
			for (RequestFailureDescriber describer : this.describers) {
				try {
					describer.describe(request.url(), failure, startNanos);
				}
				catch (Throwable ex) {
					logger.debug("conntrace could not describe a failed request", ex);
				}
			}
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

	private boolean repeatable(ClientRequest request, RetryCause cause) {
		boolean idempotent = !cause.mayHaveBeenProcessed()
				|| SendAgain.idempotent(request.method(), request.headers(), this.properties);
		// A request without a body keeps Spring's shared empty inserter, the only body known to be repeatable.
		boolean bodyRepeatable = request.body() == BodyInserters.empty() || this.properties.isReplayBody();
		return idempotent && bodyRepeatable;
	}

	/** The exchange as the filter returns it: each subscription is one request, with its own record. */
	private static final class Attempted extends Mono<ClientResponse> {

		private final Mono<ClientResponse> source;

		private final ClientRequest request;

		private final ExchangeFunction next;

		private final StaleConnectionRetry filter;

		Attempted(Mono<ClientResponse> source, ClientRequest request, ExchangeFunction next,
				StaleConnectionRetry filter) {
			this.source = source;
			this.request = request;
			this.next = next;
			this.filter = filter;
		}

		@Override
		public void subscribe(CoreSubscriber<? super ClientResponse> actual) {
			RequestAttempts first = new RequestAttempts();
			this.source.subscribe(new Attempt(actual, attach(first, actual.currentContext()), first, this));
		}

		private static Context attach(RequestAttempts first, Context context) {
			try {
				return first.attach(context);
			}
			catch (Throwable ex) {
				logger.debug("conntrace could not follow a request's attempts", ex);
				return context;
			}
		}

	}

	/**
	 * One subscription of the exchange: its {@link RequestAttempts} in the context it gives upstream, and
	 * on a failure the retry (subscribed in place of the first attempt) or the describers.
	 */
	private static final class Attempt extends ResendOnce<ClientResponse> {

		private final Attempted attempted;

		private final RequestAttempts first;

		/** The retry's record, made only when the request is sent again. */
		private @Nullable RequestAttempts retry;

		private final Context callerContext;

		private final long startNanos = System.nanoTime();

		Attempt(CoreSubscriber<? super ClientResponse> actual, Context context, RequestAttempts first,
				Attempted attempted) {
			super(actual, context);
			this.attempted = attempted;
			this.first = first;
			this.callerContext = actual.currentContext();
		}

		@Override
		protected ResendOnce.@Nullable Again<ClientResponse> resendAfter(Throwable error) {
			if (!this.attempted.filter.sendsAgain(this.attempted.request, this.first, error, this.callerContext)) {
				return null;
			}
			RequestAttempts retry = new RequestAttempts();
			this.retry = retry;
			Attempted attempted = this.attempted;
			// Deferred: the filters after this one run at subscription, and whatever they throw reaches the caller.
			// The first record is still on the observation: the retry's becomes a context entry, which comes first.
			return new ResendOnce.Again<>(Mono.defer(() -> attempted.next.exchange(attempted.request)),
					retry.attach(this.callerContext));
		}

		/**
		 * Off the observation after a failure, so an outer filter retrying it can attach its own record. A success
		 * is not detached: WebClient makes an observation per exchange, so the record's holder ends with it, and an
		 * outer filter that sends it again under the same observation gets a record of its own in the context,
		 * found first; a success, nearly every request, pays no map removal. Nor is a cancel: a connection being
		 * opened for a cancelled request still finds its record, whose stamp says it was cancelled.
		 */
		@Override
		protected void failing(Throwable error, boolean afterResend) {
			try {
				RequestAttempts retry = this.retry;
				if (afterResend && retry != null && error instanceof WebClientRequestException retryFailure) {
					StaleConnections.describeFailure(retryFailure, retry, true);
				}
				this.first.detach();
			}
			catch (Throwable ex) {
				logger.debug("conntrace could not describe a retried request", ex);
			}
			this.attempted.filter.describe(this.attempted.request, error, this.startNanos);
		}

	}

}
