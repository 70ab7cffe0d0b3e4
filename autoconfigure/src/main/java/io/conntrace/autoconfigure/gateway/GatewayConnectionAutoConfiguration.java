package io.conntrace.autoconfigure.gateway;

import java.util.List;

import io.conntrace.autoconfigure.ConntraceListeners;
import io.conntrace.autoconfigure.keepalive.KeepAliveAutoConfiguration;
import io.conntrace.autoconfigure.log.LogProperties;
import io.conntrace.autoconfigure.log.RequestLogHandler;
import io.conntrace.autoconfigure.metrics.ConnectionMetricsAutoConfiguration;
import io.conntrace.autoconfigure.pool.ConnectionPoolAutoConfiguration;
import io.conntrace.autoconfigure.pool.PoolProperties;
import io.conntrace.autoconfigure.retry.RetryProperties;
import io.conntrace.keepalive.TcpKeepAlive;
import io.conntrace.metrics.PoolMeterRegistrar;
import io.conntrace.pool.CompositeRegistrar;
import io.conntrace.trace.ConnectionListener;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.cloud.gateway.config.GatewayAutoConfiguration;
import org.springframework.cloud.gateway.config.HttpClientCustomizer;
import org.springframework.cloud.gateway.config.HttpClientFactory;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.config.HttpClientSslConfigurer;
import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.cloud.gateway.filter.headers.observation.GatewayContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of conntrace for Spring Cloud Gateway (server-webflux): each proxied call's connection
 * facts on the gateway's own CLIENT span, and the gateway's pool under conntrace's protection (idle and life
 * limits that honour {@code Keep-Alive: timeout}, the stale-connection retry, TCP keep-alive probes, close
 * reasons, meters and the pool's activity), its own {@code httpclient.pool.*} properties kept.
 * <p>
 * Runs before the gateway's auto-configuration, whose client factory backs off for conntrace's; both back
 * off for an application's own {@code HttpClient} or {@code HttpClientFactory} bean, which then keeps its
 * pool as it is (its calls still get their facts).
 */
@AutoConfiguration(before = GatewayAutoConfiguration.class,
		after = { ConnectionMetricsAutoConfiguration.class, ConnectionPoolAutoConfiguration.class,
				KeepAliveAutoConfiguration.class })
@ConditionalOnClass({ NettyRoutingFilter.class, HttpClientFactory.class, HttpClient.class })
@ConditionalOnBooleanProperty(name = "conntrace.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "spring.cloud.gateway.server.webflux.enabled", matchIfMissing = true)
@EnableConfigurationProperties({ PoolProperties.class, RetryProperties.class })
public final class GatewayConnectionAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean({ HttpClient.class, HttpClientFactory.class })
	GatewayPool conntraceGatewayPool(PoolProperties properties,
			ObjectProvider<ConnectionProvider.MeterRegistrar> registrars, ObjectProvider<ConnectionListener> listener) {
		List<ConnectionProvider.MeterRegistrar> all = registrars.orderedStream().toList();
		return new GatewayPool(properties, CompositeRegistrar.of(all),
				all.stream().anyMatch(PoolMeterRegistrar.class::isInstance),
				ConntraceListeners.of(listener));
	}

	@Bean
	@ConditionalOnMissingBean({ HttpClient.class, HttpClientFactory.class })
	HttpClientFactory conntraceGatewayHttpClientFactory(HttpClientProperties properties,
			ServerProperties serverProperties, HttpClientSslConfigurer sslConfigurer,
			List<HttpClientCustomizer> customizers, GatewayPool pool) {
		return new ConntraceGatewayHttpClientFactory(properties, serverProperties, sslConfigurer, customizers, pool);
	}

	/** Applied by every {@code HttpClientFactory}, the gateway's, conntrace's or an application's subclass. */
	@Bean
	@ConditionalOnBean(TcpKeepAlive.class)
	HttpClientCustomizer conntraceGatewayKeepAliveHttpClientCustomizer(TcpKeepAlive keepAlive) {
		// The probe settings come with conntrace's channel-init hook, on the gateway's instrumented client.
		return keepAlive::applySocketOption;
	}

	/** conntrace's log line for the gateway's proxied calls, beside the one for WebClient requests. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(name = "conntrace.log.enabled")
	@EnableConfigurationProperties(LogProperties.class)
	static class CallLogConfiguration {

		@Bean
		RequestLogHandler<GatewayContext> conntraceGatewayRequestLogHandler(LogProperties properties) {
			return new RequestLogHandler<>(GatewayContext.class, new ProxiedCalls(),
					RequestLogHandler.slowerThanNanos(properties.getSlowerThan()));
		}

	}

	@Bean
	ProxiedCallFilter conntraceProxiedCallFilter(RetryProperties properties,
			ObjectProvider<ConnectionListener> listener) {
		return new ProxiedCallFilter(properties, ConntraceListeners.of(listener));
	}

}
