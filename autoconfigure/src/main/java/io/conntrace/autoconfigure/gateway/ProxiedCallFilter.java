package io.conntrace.autoconfigure.gateway;

import java.net.URI;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import io.conntrace.autoconfigure.retry.RetryProperties;
import io.conntrace.autoconfigure.retry.SendAgain;
import io.conntrace.trace.ConnectionListener;
import io.conntrace.trace.ConnectionTracing;
import io.conntrace.trace.RequestAttempts;
import io.conntrace.trace.RetryCause;
import io.conntrace.trace.StaleConnections;
import io.micrometer.observation.Observation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;

/**
 * Wraps the gateway's proxied call, just outside the routing filter that makes it. Two jobs:
 * <ul>
 * <li>Points conntrace at the call's own observation ({@link ConnectionTracing#observedBy}): the gateway
 * makes it inside the routing filter, after the call is subscribed, and keeps it in an exchange attribute,
 * so the facts go on the gateway's CLIENT span and not on the server span around it.</li>
 * <li>Sends a call again, once, when it failed on a stale keep-alive connection before any response byte
 * (the rule of conntrace's WebClient retry) and sending it again is safe: an idempotent method, and no body
 * or one the gateway cached (a proxied body streams from the client once and is never sent twice).</li>
 * </ul>
 */
final class ProxiedCallFilter implements GlobalFilter, Ordered {

	/** Just before the gateway's routing filter. */
	static final int ORDER = NettyRoutingFilter.ORDER - 1;

	/** Methods whose requests carry no body when they announce none (HTTP/2 needs no length for a body). */
	private static final Set<HttpMethod> BODILESS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
			HttpMethod.TRACE, HttpMethod.DELETE);

	private static final Log logger = LogFactory.getLog(ProxiedCallFilter.class);

	private final RetryProperties properties;

	private final ConnectionListener listener;

	ProxiedCallFilter(RetryProperties properties, ConnectionListener listener) {
		this.properties = properties;
		this.listener = listener;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		if (!proxied(exchange)) {
			// A forward: route runs a local handler after this filter: its own clients keep their own facts.
			return chain.filter(exchange);
		}
		// Per subscription: the gateway's Retry filter resubscribes, and each of its tries is a call of its own.
		return Mono.defer(() -> {
			RequestAttempts first = new RequestAttempts();
			return call(exchange, chain, first, () -> exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_OBSERVATION_ATTR))
				.onErrorResume((ex) -> afterFailure(exchange, chain, first, ex));
		});
	}

	/** Whether the gateway's routing filter will make the call: an http or https URL, not yet routed. */
	private static boolean proxied(ServerWebExchange exchange) {
		URI url = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR);
		String scheme = (url != null) ? url.getScheme() : null;
		return ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))
				&& !ServerWebExchangeUtils.isAlreadyRouted(exchange);
	}

	private static Mono<Void> call(ServerWebExchange exchange, GatewayFilterChain chain, RequestAttempts attempts,
			Supplier<@Nullable Observation> observation) {
		// The record rides on the server's observation where it can (RequestAttempts.attach): one context entry
		// (the call's observation) instead of two. The server's observation is this exchange's alone.
		return chain.filter(exchange)
			.contextWrite((context) -> ConnectionTracing.observedBy(attempts.attach(context), observation));
	}

	private Mono<Void> afterFailure(ServerWebExchange exchange, GatewayFilterChain chain, RequestAttempts first,
			Throwable ex) {
		// Judged now: off the server's observation, so a retry's record (or the Retry filter's next try's) goes there.
		guarded(first::detach);
		Decision decision = decide(exchange, first, ex);
		RetryCause cause = decision.cause();
		if (cause == null) {
			return Mono.error(ex);
		}
		if (decision.retry()) {
			Observation firstCall = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_OBSERVATION_ATTR);
			if (prepared(exchange, firstCall, ex)) {
				tell(exchange, first, cause, true);
				RequestAttempts retry = new RequestAttempts();
				return call(exchange, chain, retry, new RetriedCall(exchange, firstCall, first, cause))
					.onErrorMap((retryFailure) -> {
						guarded(() -> StaleConnections.describeFailure(retryFailure, retry, true));
						return retryFailure;
					});
			}
		}
		tell(exchange, first, cause, false);
		return Mono.error(ex);
	}

	/**
	 * Make the exchange ready to route again, then end the failed call's span with its error and its
	 * connection's facts: the gateway would end it only if the error reached its exception handler, and the
	 * retry makes a new one. Taken out of the exchange once ended, so that handler cannot end it twice.
	 */
	private static boolean prepared(ServerWebExchange exchange, @Nullable Observation firstCall, Throwable ex) {
		try {
			ServerWebExchangeUtils.reset(exchange);
			if (firstCall != null) {
				exchange.getAttributes().remove(ServerWebExchangeUtils.GATEWAY_OBSERVATION_ATTR);
				firstCall.error(ex);
				firstCall.stop();
			}
			return true;
		}
		catch (Throwable failure) {
			logger.debug("conntrace could not prepare a retried call", failure);
			return false;
		}
	}

	/** Everything conntrace does about a failure is guarded: the caller always gets the gateway's own error. */
	private Decision decide(ServerWebExchange exchange, RequestAttempts first, Throwable ex) {
		try {
			// A route's response timeout fails the call from another thread while the event loop may still write the
			// record: retryCause looks at the error first.
			RetryCause cause = StaleConnections.retryCause(ex, first);
			if (cause == null) {
				return Decision.FAIL;
			}
			ex.addSuppressed(StaleConnections.describe(first, false));
			boolean retry = this.properties.isEnabled() && repeatable(exchange.getRequest(), exchange, cause)
					&& !exchange.getResponse().isCommitted();
			return new Decision(retry, cause);
		}
		catch (Throwable failure) {
			logger.debug("conntrace could not judge a failed call", failure);
			return Decision.FAIL;
		}
	}

	private boolean repeatable(ServerHttpRequest request, ServerWebExchange exchange, RetryCause cause) {
		HttpHeaders headers = request.getHeaders();
		long length = headers.getContentLength();
		boolean noBody = length == 0 || (length < 0 && !headers.containsHeader(HttpHeaders.TRANSFER_ENCODING)
				&& BODILESS.contains(request.getMethod()));
		// The gateway's Retry filter and CacheRequestBody keep the body, and the routing filter sends it again.
		boolean cached = exchange.getAttribute(ServerWebExchangeUtils.CACHED_REQUEST_BODY_ATTR) != null;
		return (!cause.mayHaveBeenProcessed() || SendAgain.idempotent(request.getMethod(), headers, this.properties))
				&& (noBody || cached);
	}

	private void tell(ServerWebExchange exchange, RequestAttempts first, RetryCause cause, boolean sentAgain) {
		try {
			URI url = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR);
			if (url != null) {
				StaleConnections.tell(this.listener, url, first, cause, sentAgain);
			}
		}
		catch (Throwable failure) {
			logger.debug("conntrace could not count a stale connection", failure);
		}
	}

	/**
	 * What to do about a failed call: send it again, or let it fail; {@code cause} is why it might have been sent
	 * again, {@code null} for any other failure, none of conntrace's business.
	 */
	private record Decision(boolean retry, @Nullable RetryCause cause) {

		static final Decision FAIL = new Decision(false, null);

	}

	private static void guarded(Runnable action) {
		try {
			action.run();
		}
		catch (Throwable failure) {
			logger.debug("conntrace could not describe a retried call", failure);
		}
	}

	/**
	 * The retried call's observation, which the gateway makes when it sends the request again: the first time
	 * conntrace asks for it (when the retry gets its connection), it is told that it is a retry, and of which
	 * connection, as a WebClient request's span is.
	 */
	private static final class RetriedCall implements Supplier<@Nullable Observation> {

		private final ServerWebExchange exchange;

		private final @Nullable Observation firstCall;

		private final RequestAttempts first;

		private final RetryCause cause;

		private final AtomicBoolean told = new AtomicBoolean();

		RetriedCall(ServerWebExchange exchange, @Nullable Observation firstCall, RequestAttempts first,
				RetryCause cause) {
			this.exchange = exchange;
			this.firstCall = firstCall;
			this.first = first;
			this.cause = cause;
		}

		@Override
		public @Nullable Observation get() {
			Observation call = this.exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_OBSERVATION_ATTR);
			if (call != null && call != this.firstCall && this.told.compareAndSet(false, true)) {
				guarded(() -> StaleConnections.retrying(call, this.first, this.cause));
			}
			return call;
		}

	}

}
