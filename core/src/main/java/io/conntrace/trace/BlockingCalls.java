package io.conntrace.trace;

import java.net.URI;
import java.util.List;
import java.util.function.Function;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.observation.transport.RequestReplySenderContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import org.jspecify.annotations.Nullable;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClientRequest;
import reactor.util.Logger;
import reactor.util.Loggers;
import reactor.util.context.Context;

/**
 * conntrace for callers that block on each request on their own thread, inside the scope of their own
 * observation of it: Spring's {@code RestClient}, {@code RestTemplate} and HTTP service clients over
 * {@code ReactorClientHttpRequestFactory}, which subscribe with an empty Reactor context. Installed by
 * {@link ConnectionTracing#apply(reactor.netty.http.client.HttpClient, BlockingCalls)} around the client's
 * connect, outside conntrace's own hooks, it gives each request what WebClient's filter gives a WebClient
 * request:
 * <ul>
 * <li>its observation: where the request's context holds none, the observation current on the subscribing
 * thread, if it observes a request sent to a server ({@link RequestReplySenderContext}; never a server's own
 * span around the call);</li>
 * <li>a {@link RequestAttempts} record;</li>
 * <li>on a stale keep-alive connection ({@link StaleConnections#isStale}) or an HTTP/2 stream the server never
 * processed ({@link RetryCause}), the request sent once more when the {@link ResendRule}
 * allows it: a new subscription of Reactor Netty's connect, which writes the request again; its span says so;</li>
 * <li>on a final failure, the connection it ran on and what the {@link RequestFailureDescriber}s add, as
 * suppressed exceptions of the client's error, when that is one made for this failure (an I/O error, the
 * pool's acquire errors), which the caller finds among the causes of its own error.</li>
 * </ul>
 * Create it once per application.
 */
public final class BlockingCalls implements Function<Mono<? extends Connection>, Mono<? extends Connection>> {

	private static final Logger logger = Loggers.getLogger(ConnectionTracing.class);

	private final ObservationRegistry registry;

	private final ResendRule resend;

	private final ConnectionListener listener;

	private final RequestFailureDescriber[] describers;

	private BlockingCalls(ObservationRegistry registry, ResendRule resend, ConnectionListener listener,
			List<RequestFailureDescriber> describers) {
		this.registry = registry;
		this.resend = resend;
		this.listener = listener;
		this.describers = describers.toArray(new RequestFailureDescriber[0]);
	}

	/**
	 * Return blocking-call support.
	 * @param registry the registry whose current observation a caller's request belongs to
	 * @param resend which requests are sent again after a stale connection
	 * @param listener told of stale connections met
	 * @param describers run on each request's final failure
	 * @return the support, to pass to {@link ConnectionTracing#apply(reactor.netty.http.client.HttpClient, BlockingCalls)}
	 */
	public static BlockingCalls create(ObservationRegistry registry, ResendRule resend, ConnectionListener listener,
			List<RequestFailureDescriber> describers) {
		return new BlockingCalls(registry, resend, listener, describers);
	}

	@Override
	public Mono<? extends Connection> apply(Mono<? extends Connection> connect) {
		return new Call(connect, this);
	}

	/**
	 * The request's context with the caller's observation of it: the one already there (automatic context
	 * propagation copies the thread's), else the thread's current one; never one that observes no request sent
	 * to a server, such as the server's own request around the call, which a client without an observation of
	 * its own would otherwise hand its facts to.
	 */
	private Context withCallerObservation(Context context) {
		Object propagated = context.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
		if (propagated != null) {
			return isCall(propagated) ? context : context.delete(ObservationThreadLocalAccessor.KEY);
		}
		Observation current = this.registry.getCurrentObservation();
		return isCall(current) ? context.put(ObservationThreadLocalAccessor.KEY, current) : context;
	}

	private static boolean isCall(@Nullable Object observation) {
		return observation instanceof Observation call && !call.isNoop()
				&& call.getContext() instanceof RequestReplySenderContext;
	}

	/**
	 * Whether conntrace may add its descriptions to the error: the client's I/O errors and the pool's acquire
	 * errors are new for each failure, so what is added stays with this request; a shared instance would carry
	 * one request's facts to the next.
	 */
	private static boolean ownsItsFailure(Throwable error) {
		if (error instanceof java.io.IOException) {
			return true;
		}
		String name = error.getClass().getSimpleName();
		return name.equals("PoolAcquirePendingLimitException") || name.equals("PoolAcquireTimeoutException");
	}

	/** Whether a failed request is sent again; a stale connection or an unprocessed stream is told and counted. */
	private boolean sendsAgain(Call call, RequestAttempts first, Throwable error, Context context) {
		RetryCause cause = StaleConnections.retryCause(error, first);
		if (cause == null) {
			return false;
		}
		HttpClientRequest request = first.request();
		boolean again = request != null && this.resend.allows(cause, request.method().name(),
				request.requestHeaders().contains(ResendRule.IDEMPOTENCY_KEY), hasBody(request.requestHeaders()));
		URI url = call.url();
		if (url != null) {
			StaleConnections.tell(this.listener, url, first, cause, again);
		}
		if (again) {
			Observation observation = context.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
			if (observation != null) {
				StaleConnections.retrying(observation, first, cause);
			}
		}
		return again;
	}

	/** A body was sent: a length above zero, or a chunked one. */
	private static boolean hasBody(HttpHeaders headers) {
		String length = headers.get(HttpHeaderNames.CONTENT_LENGTH);
		if (length != null) {
			return !"0".equals(length.trim());
		}
		return headers.contains(HttpHeaderNames.TRANSFER_ENCODING);
	}

	private void describe(Call call, Throwable error, long startNanos) {
		URI url = call.url();
		if (url == null) {
			return;
		}
		for (RequestFailureDescriber describer : this.describers) {
			try {
				describer.describe(url, error, startNanos);
			}
			catch (Throwable ex) {
				logger.debug("conntrace could not describe a failed request", ex);
			}
		}
	}

	/** A request's connect: each subscription is one request, with its own record. */
	private static final class Call extends Mono<Connection> {

		private final Mono<? extends Connection> source;

		private final BlockingCalls calls;

		Call(Mono<? extends Connection> source, BlockingCalls calls) {
			this.source = source;
			this.calls = calls;
		}

		/** The request's URL, from its configuration: read only on a failure. */
		@Nullable URI url() {
			return RequestTarget.uri(RequestTarget.of(this.source));
		}

		@Override
		public void subscribe(CoreSubscriber<? super Connection> actual) {
			Context callerContext = actual.currentContext();
			Context context = callerContext;
			RequestAttempts first = null;
			try {
				callerContext = this.calls.withCallerObservation(callerContext);
				first = new RequestAttempts();
				context = first.attach(callerContext);
			}
			catch (Throwable ex) {
				Guard.failed(Hook.CALL, ex);
				first = null;
			}
			this.source.subscribe(new Attempt(actual, context, callerContext, first, this));
		}

	}

	/** One request: on a failure the stale retry (subscribed in place of the first attempt) or the descriptions. */
	private static final class Attempt extends ResendOnce<Connection> {

		private final Context callerContext;

		private final @Nullable RequestAttempts first;

		private final Call call;

		private final long startNanos = System.nanoTime();

		/** The retry's record, made only when the request is sent again. */
		private @Nullable RequestAttempts retry;

		Attempt(CoreSubscriber<? super Connection> actual, Context context, Context callerContext,
				@Nullable RequestAttempts first, Call call) {
			super(actual, context);
			this.callerContext = callerContext;
			this.first = first;
			this.call = call;
		}

		@Override
		protected @Nullable Again<Connection> resendAfter(Throwable error) {
			RequestAttempts first = this.first;
			try {
				if (first == null || !this.call.calls.sendsAgain(this.call, first, error, this.callerContext)) {
					return null;
				}
				RequestAttempts retry = new RequestAttempts();
				this.retry = retry;
				// The first record is still on the observation: the retry's becomes a context entry, found first.
				return new Again<>(this.call.source, retry.attach(this.callerContext));
			}
			catch (Throwable ex) {
				Guard.failed(Hook.CALL, ex);
				return null;
			}
		}

		@Override
		protected void failing(Throwable error, boolean afterResend) {
			try {
				if (this.first != null) {
					this.first.detach();
				}
				if (!ownsItsFailure(error)) {
					return;
				}
				RequestAttempts attempts = afterResend ? this.retry : this.first;
				if (attempts != null) {
					StaleConnections.describeFailure(error, attempts, afterResend);
				}
				this.call.calls.describe(this.call, error, this.startNanos);
			}
			catch (Throwable ex) {
				Guard.failed(Hook.CALL, ex);
			}
		}

	}

}
