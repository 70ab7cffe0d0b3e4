package io.conntrace.autoconfigure.trace;

import io.conntrace.trace.ConnectionTracing;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;

import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;

/**
 * Finds out, on a WebClient bean's first request, whether conntrace can see its connections, and if
 * not says so in one WARN line naming the bean and the fix. A WebClient does not expose its connector,
 * so the check looks at the native request the connector really sent; afterwards it only passes
 * requests through.
 */
final class ConnectorCheck implements ExchangeFilterFunction {

	private static final Log logger = LogFactory.getLog(ConnectorCheck.class);

	private final String beanName;

	private volatile boolean done;

	ConnectorCheck(String beanName) {
		this.beanName = beanName;
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		if (this.done) {
			return next.exchange(request);
		}
		return next.exchange(ClientRequest.from(request).httpRequest(this::check).build());
	}

	private void check(ClientHttpRequest request) {
		if (this.done) {
			return;
		}
		this.done = true;
		try {
			Object nativeRequest = request.getNativeRequest();
			if (nativeRequest instanceof Connection connection) {
				if (!ConnectionTracing.isInstrumented(connection.channel())) {
					logger.warn("conntrace cannot see the connections of WebClient bean '" + this.beanName
							+ "': its ReactorClientHttpConnector wraps an HttpClient conntrace did not instrument, so its"
							+ " spans carry no conntrace.* attributes. Fix: new ReactorClientHttpConnector("
							+ "ConnectionTracing.instrument(httpClient)), or build the client from the auto-configured"
							+ " WebClient.Builder");
				}
			}
			else {
				logger.warn("conntrace cannot trace WebClient bean '" + this.beanName + "': it uses "
						+ request.getClass().getSimpleName()
						+ ", not Reactor Netty, so its spans carry no conntrace.* attributes; its requests are unchanged");
			}
		}
		catch (Throwable ex) {
			logger.debug("conntrace could not check the connector of WebClient bean '" + this.beanName + "'", ex);
		}
	}

}
