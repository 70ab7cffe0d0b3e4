package io.conntrace.autoconfigure.log;

import java.net.URI;

import io.conntrace.trace.RequestLog;
import io.conntrace.trace.RequestServer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientRequestObservationContext;
import org.springframework.web.reactive.function.client.ClientResponse;

/**
 * Logs one line per WebClient request as its observation stops, at INFO on {@code io.conntrace.log}:
 * <pre>
 * method=GET server=api.example.com:443 path=/orders status=200 reused=true conn=1a2b3c4d#3 protocol=1.1 tls=1.3 idle_ms=812.004 wait_ms=0.000 setup_ms=0.061 acquire_ms=0.061 total_ms=12.730
 * </pre>
 * Keys are stable and values have no spaces, so grep and log pipelines can parse it. The path is the
 * URL's raw path: never its query, user-info or a header value.
 */
final class RequestLogHandler implements ObservationHandler<ClientRequestObservationContext> {

	static final String LOGGER = "io.conntrace.log";

	private static final Log logger = LogFactory.getLog(LOGGER);

	private final long slowerThanNanos;

	/** @param slowerThanNanos log only requests slower than this (total or acquire); -1 logs all */
	RequestLogHandler(long slowerThanNanos) {
		this.slowerThanNanos = slowerThanNanos;
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof ClientRequestObservationContext;
	}

	@Override
	public void onStart(ClientRequestObservationContext context) {
		if (logger.isInfoEnabled()) {
			RequestLog.want(context);
			context.put(Start.class, new Start(System.nanoTime()));
		}
	}

	@Override
	public void onStop(ClientRequestObservationContext context) {
		try {
			Start start = context.get(Start.class);
			ClientRequest request = context.getRequest();
			if (start == null || request == null || !logger.isInfoEnabled()) {
				return;
			}
			long total = System.nanoTime() - start.nanos();
			if (this.slowerThanNanos >= 0 && total <= this.slowerThanNanos
					&& RequestLog.acquireNanos(context) <= this.slowerThanNanos) {
				return;
			}
			logger.info(line(context, request, total));
		}
		catch (RuntimeException ex) {
			logger.debug("conntrace could not log a request", ex);
		}
	}

	private static String line(ClientRequestObservationContext context, ClientRequest request, long totalNanos) {
		URI url = request.url();
		StringBuilder line = new StringBuilder(256);
		line.append("method=").append(request.method().name());
		line.append(" server=").append(RequestServer.remote(RequestServer.host(url), RequestServer.port(url)));
		String path = url.getRawPath();
		line.append(" path=").append((path == null || path.isEmpty()) ? "/" : path);
		ClientResponse response = context.getResponse();
		if (response != null) {
			line.append(" status=").append(response.statusCode().value());
		}
		else if (context.getError() != null) {
			line.append(" error=").append(context.getError().getClass().getSimpleName());
		}
		else if (context.isAborted()) {
			line.append(" status=cancelled");
		}
		String facts = RequestLog.connectionFacts(context);
		if (facts != null) {
			line.append(' ').append(facts);
		}
		line.append(" total_ms=").append(RequestLog.millis(totalNanos));
		return line.toString();
	}

	private record Start(long nanos) {
	}

}
