package io.conntrace.autoconfigure.gateway;

import java.util.List;

import reactor.netty.resources.ConnectionProvider;

import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.cloud.gateway.config.HttpClientCustomizer;
import org.springframework.cloud.gateway.config.HttpClientFactory;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.config.HttpClientSslConfigurer;

/**
 * The gateway's own client factory, every setting of it kept (protocols, timeouts, proxy, TLS, the
 * customizers), on a pool that conntrace protects ({@link GatewayPool}). The gateway's documented way to
 * change its client: it backs off when an application defines its own {@code HttpClient} or factory.
 */
final class ConntraceGatewayHttpClientFactory extends HttpClientFactory {

	private final GatewayPool pool;

	ConntraceGatewayHttpClientFactory(HttpClientProperties properties, ServerProperties serverProperties,
			HttpClientSslConfigurer sslConfigurer, List<HttpClientCustomizer> customizers, GatewayPool pool) {
		super(properties, serverProperties, sslConfigurer, customizers);
		this.pool = pool;
	}

	@Override
	protected ConnectionProvider buildConnectionProvider(HttpClientProperties properties) {
		ConnectionProvider provider = this.pool.build(properties.getPool());
		return (provider != null) ? provider : super.buildConnectionProvider(properties);
	}

}
