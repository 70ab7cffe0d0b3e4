package io.conntrace.autoconfigure.log;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;

import io.conntrace.autoconfigure.PropertyCheck;
import io.conntrace.trace.RequestLog;
import io.conntrace.trace.RequestServer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientRequestObservationContext;
import org.springframework.web.reactive.function.client.ClientResponse;

/**
 * Logs one line per outgoing request as its observation stops, at INFO on {@code io.conntrace.log}:
 * <pre>
 * method=GET server=api.example.com:443 path=/orders status=200 reused=true conn=1a2b3c4d#3 protocol=1.1 tls=1.3 idle_ms=812.004 wait_ms=0.000 setup_ms=0.061 acquire_ms=0.061 total_ms=12.730
 * </pre>
 * Keys are stable and values have no spaces, so grep and log pipelines can parse it. The path is the
 * URL's raw path: never its query, user-info or a header value. One handler per kind of request
 * observation: WebClient's, RestClient's (RestTemplate and HTTP service clients share it), and a gateway's
 * proxied calls.
 * @param <C> the kind of observation context
 */
public final class RequestLogHandler<C extends Observation.Context> implements ObservationHandler<C> {

	static final String LOGGER = "io.conntrace.log";

	private static final Log logger = LogFactory.getLog(LOGGER);

	private final Class<C> type;

	private final Calls<C> calls;

	private final long slowerThanNanos;

	/**
	 * Log the requests of one kind of observation.
	 * @param type the kind of observation context
	 * @param calls reads a request's method, URL and outcome off such a context
	 * @param slowerThanNanos log only requests slower than this (total or acquire); -1 logs all
	 */
	public RequestLogHandler(Class<C> type, Calls<C> calls, long slowerThanNanos) {
		this.type = type;
		this.calls = calls;
		this.slowerThanNanos = slowerThanNanos;
	}

	/**
	 * Return {@code conntrace.log.slower-than} in nanoseconds, checked.
	 * @param slowerThan the property's value
	 * @return nanoseconds, -1 when unset (every request is logged)
	 */
	public static long slowerThanNanos(@Nullable Duration slowerThan) {
		PropertyCheck.positive("conntrace.log.slower-than", slowerThan);
		return (slowerThan != null) ? slowerThan.toNanos() : -1;
	}

	static RequestLogHandler<ClientRequestObservationContext> forWebClient(long slowerThanNanos) {
		return new RequestLogHandler<>(ClientRequestObservationContext.class, new WebClientCalls(), slowerThanNanos);
	}

	static RequestLogHandler<org.springframework.http.client.observation.ClientRequestObservationContext> forRestClient(
			long slowerThanNanos) {
		return new RequestLogHandler<>(org.springframework.http.client.observation.ClientRequestObservationContext.class,
				new RestClientCalls(), slowerThanNanos);
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return this.type.isInstance(context);
	}

	@Override
	public void onStart(C context) {
		if (logger.isInfoEnabled()) {
			RequestLog.want(context);
			context.put(Start.class, new Start(System.nanoTime()));
		}
	}

	@Override
	public void onStop(C context) {
		try {
			Start start = context.get(Start.class);
			URI url = (start != null && logger.isInfoEnabled()) ? this.calls.url(context) : null;
			if (url == null) {
				return;
			}
			long total = System.nanoTime() - start.nanos();
			if (this.slowerThanNanos >= 0 && total <= this.slowerThanNanos
					&& RequestLog.acquireNanos(context) <= this.slowerThanNanos) {
				return;
			}
			logger.info(line(context, url, total));
		}
		catch (RuntimeException ex) {
			logger.debug("conntrace could not log a request", ex);
		}
	}

	private String line(C context, URI url, long totalNanos) {
		StringBuilder line = new StringBuilder(256);
		line.append("method=").append(this.calls.method(context));
		line.append(" server=").append(RequestServer.remote(RequestServer.host(url), RequestServer.port(url)));
		String path = url.getRawPath();
		line.append(" path=").append((path == null || path.isEmpty()) ? "/" : path);
		Integer status = this.calls.status(context);
		if (status != null) {
			line.append(" status=").append(status);
		}
		else if (context.getError() != null) {
			line.append(" error=").append(context.getError().getClass().getSimpleName());
		}
		else if (this.calls.aborted(context)) {
			line.append(" status=cancelled");
		}
		String facts = RequestLog.connectionFacts(context);
		if (facts != null) {
			line.append(' ').append(facts);
		}
		line.append(" total_ms=").append(RequestLog.millis(totalNanos));
		return line.toString();
	}

	/**
	 * What the line needs of one kind of request observation.
	 * @param <C> the kind of observation context
	 */
	public interface Calls<C extends Observation.Context> {

		/** The request's URL, {@code null} if the context has no request (nothing is logged). */
		@Nullable URI url(C context);

		/** The request's method. */
		String method(C context);

		/** The response's status, {@code null} if none arrived. */
		@Nullable Integer status(C context);

		/** Whether the caller gave up on the request. */
		default boolean aborted(C context) {
			return false;
		}

	}

	private static final class WebClientCalls implements Calls<ClientRequestObservationContext> {

		@Override
		public @Nullable URI url(ClientRequestObservationContext context) {
			ClientRequest request = context.getRequest();
			return (request != null) ? request.url() : null;
		}

		@Override
		public String method(ClientRequestObservationContext context) {
			ClientRequest request = context.getRequest();
			return (request != null) ? request.method().name() : "";
		}

		@Override
		public @Nullable Integer status(ClientRequestObservationContext context) {
			ClientResponse response = context.getResponse();
			return (response != null) ? response.statusCode().value() : null;
		}

		@Override
		public boolean aborted(ClientRequestObservationContext context) {
			return context.isAborted();
		}

	}

	/** RestClient, RestTemplate and HTTP service clients: their request is the observation's carrier. */
	private static final class RestClientCalls
			implements Calls<org.springframework.http.client.observation.ClientRequestObservationContext> {

		@Override
		public @Nullable URI url(org.springframework.http.client.observation.ClientRequestObservationContext context) {
			ClientHttpRequest request = context.getCarrier();
			return (request != null) ? request.getURI() : null;
		}

		@Override
		public String method(org.springframework.http.client.observation.ClientRequestObservationContext context) {
			ClientHttpRequest request = context.getCarrier();
			return (request != null) ? request.getMethod().name() : "";
		}

		@Override
		public @Nullable Integer status(org.springframework.http.client.observation.ClientRequestObservationContext context) {
			ClientHttpResponse response = context.getResponse();
			try {
				return (response != null) ? response.getStatusCode().value() : null;
			}
			catch (IOException ex) {
				return null;
			}
		}

	}

	private record Start(long nanos) {
	}

}
