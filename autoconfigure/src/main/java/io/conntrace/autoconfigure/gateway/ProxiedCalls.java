package io.conntrace.autoconfigure.gateway;

import java.net.URI;

import io.conntrace.autoconfigure.log.RequestLogHandler;
import org.jspecify.annotations.Nullable;

import org.springframework.cloud.gateway.filter.headers.observation.GatewayContext;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;

/** What conntrace's log line needs of a gateway's proxied call: the backend URL, not the one the gateway served. */
final class ProxiedCalls implements RequestLogHandler.Calls<GatewayContext> {

	@Override
	public @Nullable URI url(GatewayContext context) {
		return context.getServerWebExchange().getAttribute(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR);
	}

	@Override
	public String method(GatewayContext context) {
		return context.getRequest().getMethod().name();
	}

	@Override
	public @Nullable Integer status(GatewayContext context) {
		ServerHttpResponse response = context.getResponse();
		HttpStatusCode status = (response != null) ? response.getStatusCode() : null;
		return (status != null) ? status.value() : null;
	}

}
