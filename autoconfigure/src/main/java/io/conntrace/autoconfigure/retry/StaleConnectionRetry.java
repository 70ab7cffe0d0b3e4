package io.conntrace.autoconfigure.retry;

import java.util.List;

import io.conntrace.trace.ConnectionListener;
import io.conntrace.trace.RequestAttempts;
import io.conntrace.trace.StaleAction;
import io.conntrace.trace.StaleConnections;
import io.micrometer.observation.Observation;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
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
 * keep-alive connection: a reused connection, closed before any response byte arrived (see
 * {@link StaleConnections#isStale}). Only requests that are safe to repeat: idempotent methods (RFC 9110:
 * GET, HEAD, OPTIONS, TRACE, PUT, DELETE), or any method carrying an {@code Idempotency-Key} header, whose
 * server then recognises the repeat; and without a body unless its replay is allowed. A timeout is never
 * retried: the server may be working on the request. Whatever fails still fails with its own error, which
 * names the connection it ran on and gains what the {@link RequestFailureDescriber}s add.
 * <p>
 * One operator of its own rather than {@code defer}, {@code contextWrite} and {@code onErrorResume}: every
 * request passes through here, and a request that succeeds should pay for one subscriber and its record.
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

	/** The retry, or {@code null} to fail; everything it does is guarded: the caller always gets its own error. */
	private @Nullable Mono<ClientResponse> afterFailure(ClientRequest request, ExchangeFunction next,
			RequestAttempts first, WebClientRequestException ex, Context context) {
		if (!decideRetry(request, first, ex)) {
			return null;
		}
		RequestAttempts retry = new RequestAttempts();
		Observation observation = context.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
		return Mono.defer(() -> {
			if (observation != null) {
				guarded(() -> StaleConnections.retrying(observation, first));
			}
			return next.exchange(request);
		})
			// The first record is still on the observation: the retry's becomes a context entry, which comes first.
			.contextWrite(retry::attach)
			.onErrorMap(WebClientRequestException.class, (retryFailure) -> {
				guarded(() -> StaleConnections.describeFailure(retryFailure, retry, true));
				return retryFailure;
			});
	}

	private boolean decideRetry(ClientRequest request, RequestAttempts first, WebClientRequestException ex) {
		try {
			StaleConnections.describeFailure(ex, first, false);
			// The error first: a timeout's may come from another thread while the event loop still writes the record.
			if (!StaleConnections.closedConnection(ex.getCause()) || !StaleConnections.isStale(first)) {
				return false;
			}
			boolean retry = this.properties.isEnabled() && repeatable(request);
			StaleConnections.tell(this.listener, request.url(), retry ? StaleAction.RETRIED : StaleAction.FAILED);
			return retry;
		}
		catch (Throwable failure) {
			logger.debug("conntrace could not judge a failed request", failure);
			return false;
		}
	}

	private void describe(ClientRequest request, Throwable error, long startNanos) {
		if (error instanceof WebClientRequestException failure) {
			for (RequestFailureDescriber describer : this.describers) {
				try {
					describer.describe(request, failure, startNanos);
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

	private boolean repeatable(ClientRequest request) {
		boolean idempotent = SendAgain.idempotent(request.method(), request.headers(), this.properties);
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
			this.source.subscribe(new Attempt(actual, this));
		}

	}

	/**
	 * One subscription of the exchange: its {@link RequestAttempts} in the context it gives upstream, and
	 * on a failure the retry (subscribed in place of the first attempt) or the describers.
	 */
	private static final class Attempt implements CoreSubscriber<ClientResponse>, Subscription {

		private final CoreSubscriber<? super ClientResponse> actual;

		private final Attempted attempted;

		private final RequestAttempts first = new RequestAttempts();

		private final Context context;

		private final long startNanos = System.nanoTime();

		private volatile @Nullable Subscription upstream;

		private volatile boolean requested;

		private volatile boolean cancelled;

		private boolean retried;

		Attempt(CoreSubscriber<? super ClientResponse> actual, Attempted attempted) {
			this.actual = actual;
			this.attempted = attempted;
			Context context = actual.currentContext();
			try {
				context = this.first.attach(context);
			}
			catch (Throwable ex) {
				logger.debug("conntrace could not follow a request's attempts", ex);
			}
			this.context = context;
		}

		@Override
		public Context currentContext() {
			return this.context;
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			this.upstream = subscription;
			this.actual.onSubscribe(this);
		}

		@Override
		public void onNext(ClientResponse response) {
			this.actual.onNext(response);
		}

		@Override
		public void onError(Throwable error) {
			if (!this.retried && !this.cancelled && error instanceof WebClientRequestException failure) {
				Mono<ClientResponse> retry = this.attempted.filter.afterFailure(this.attempted.request,
						this.attempted.next, this.first, failure, this.context);
				if (retry != null) {
					this.retried = true;
					retry.subscribe(new Retry(this));
					return;
				}
			}
			failed(error);
		}

		void failed(Throwable error) {
			detach();
			this.attempted.filter.describe(this.attempted.request, error, this.startNanos);
			this.actual.onError(error);
		}

		@Override
		public void onComplete() {
			// Not detached: WebClient makes an observation per exchange, so the record's holder ends with it. An
			// outer filter that sends it again under the same observation gets a record of its own in the context,
			// found first; a success, nearly every request, pays no map removal.
			this.actual.onComplete();
		}

		/** Off the observation after a failure, so an outer filter retrying it can attach its own record. */
		void detach() {
			try {
				this.first.detach();
			}
			catch (Throwable ex) {
				logger.debug("conntrace could not let go of a request's attempts", ex);
			}
		}

		@Override
		public void request(long n) {
			this.requested = true;
			Subscription upstream = this.upstream;
			if (upstream != null) {
				upstream.request(n);
			}
		}

		@Override
		public void cancel() {
			// Not detached: a connection being opened for a cancelled request still finds its record, whose
			// stamp says it was cancelled (the observation, the record's holder, is the request's alone).
			this.cancelled = true;
			Subscription upstream = this.upstream;
			if (upstream != null) {
				upstream.cancel();
			}
		}

		/** The retry took the first attempt's place: demand and a cancel already signalled go to it. */
		void retrySubscribed(Subscription subscription) {
			this.upstream = subscription;
			if (this.cancelled) {
				subscription.cancel();
			}
			else if (this.requested) {
				subscription.request(Long.MAX_VALUE);
			}
		}

	}

	/** Receives the retry's signals for its {@link Attempt}, in the caller's own context. */
	private static final class Retry implements CoreSubscriber<ClientResponse> {

		private final Attempt attempt;

		Retry(Attempt attempt) {
			this.attempt = attempt;
		}

		@Override
		public Context currentContext() {
			return this.attempt.actual.currentContext();
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			this.attempt.retrySubscribed(subscription);
		}

		@Override
		public void onNext(ClientResponse response) {
			this.attempt.actual.onNext(response);
		}

		@Override
		public void onError(Throwable error) {
			this.attempt.failed(error);
		}

		@Override
		public void onComplete() {
			// Not detached, as the first attempt's success is not (Attempt.onComplete).
			this.attempt.actual.onComplete();
		}

	}

}
