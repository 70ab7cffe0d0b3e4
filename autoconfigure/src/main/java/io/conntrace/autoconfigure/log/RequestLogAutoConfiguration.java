package io.conntrace.autoconfigure.log;

import io.micrometer.observation.ObservationHandler;
import reactor.netty.http.client.HttpClient;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.ClientRequestObservationContext;

/**
 * Auto-configuration of the opt-in one-line log per request ({@code conntrace.log.enabled}) of WebClient and of
 * the clients Boot builds from its request factory builder (RestClient, RestTemplate, HTTP service clients).
 * Boot registers the handler on the application's observation registry, so the line is written whether
 * spans are sampled, exported or not traced at all.
 */
@AutoConfiguration
@ConditionalOnClass({ HttpClient.class, ObservationHandler.class })
@ConditionalOnBooleanProperty(name = "conntrace.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "conntrace.log.enabled")
@EnableConfigurationProperties(LogProperties.class)
public final class RequestLogAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ClientRequestObservationContext.class)
	static class WebClientConfiguration {

		@Bean
		RequestLogHandler<ClientRequestObservationContext> conntraceRequestLogHandler(LogProperties properties) {
			return RequestLogHandler.forWebClient(RequestLogHandler.slowerThanNanos(properties.getSlowerThan()));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(org.springframework.http.client.observation.ClientRequestObservationContext.class)
	static class RestClientConfiguration {

		@Bean
		RequestLogHandler<org.springframework.http.client.observation.ClientRequestObservationContext> conntraceRestClientRequestLogHandler(
				LogProperties properties) {
			return RequestLogHandler.forRestClient(RequestLogHandler.slowerThanNanos(properties.getSlowerThan()));
		}

	}

}
