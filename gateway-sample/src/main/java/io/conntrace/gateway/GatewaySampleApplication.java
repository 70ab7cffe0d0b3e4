package io.conntrace.gateway;

import java.time.Duration;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;

/**
 * A Spring Cloud Gateway with the conntrace starter: {@code /api/**} goes to a local {@link Backend}, whose
 * connections the gateway pools, and so does {@code /retrying/**}, through the gateway's Retry filter. Each proxied call's span in Zipkin carries the conntrace facts of the
 * connection it used.
 */
@SpringBootApplication
@EnableConfigurationProperties(GatewaySampleApplication.BackendProperties.class)
public class GatewaySampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(GatewaySampleApplication.class, args);
	}

	@Bean(destroyMethod = "close")
	Backend backend(BackendProperties properties) {
		return new Backend(properties.getPort(), properties.getIdleTimeout());
	}

	@Bean
	RouteLocator routes(RouteLocatorBuilder routes, Backend backend) {
		return routes.routes()
			.route("backend", (route) -> route.path("/api/**").uri(backend.url()))
			// The gateway's own Retry filter, as many routes have it: a 503 is tried again, and the body is cached.
			.route("retrying", (route) -> route.path("/retrying/**")
				.filters((filters) -> filters.retry((retry) -> retry.setRetries(1)
					.setStatuses(HttpStatus.SERVICE_UNAVAILABLE)
					.setMethods(HttpMethod.GET, HttpMethod.PUT)))
				.uri(backend.url()))
			.build();
	}

	/** The local backend. */
	@ConfigurationProperties("gateway-sample.backend")
	public static class BackendProperties {

		/** Port of the backend, 0 for any free one. */
		private int port = 0;

		/** How long the backend keeps an idle connection open, announced as Keep-Alive: timeout. */
		private Duration idleTimeout = Duration.ofSeconds(1);

		public int getPort() {
			return this.port;
		}

		public void setPort(int port) {
			this.port = port;
		}

		public Duration getIdleTimeout() {
			return this.idleTimeout;
		}

		public void setIdleTimeout(Duration idleTimeout) {
			this.idleTimeout = idleTimeout;
		}

	}

}
