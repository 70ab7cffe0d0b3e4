package io.conntrace.autoconfigure.log;

import io.micrometer.observation.ObservationHandler;
import reactor.netty.http.client.HttpClient;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.client.ClientRequestObservationContext;

/**
 * Auto-configuration of the opt-in one-line log per WebClient request ({@code conntrace.log.enabled}).
 * Boot registers the handler on the application's observation registry, so the line is written whether
 * spans are sampled, exported or not traced at all.
 */
@AutoConfiguration
@ConditionalOnClass({ ClientRequestObservationContext.class, HttpClient.class, ObservationHandler.class })
@ConditionalOnBooleanProperty(name = "conntrace.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "conntrace.log.enabled")
@EnableConfigurationProperties(LogProperties.class)
public final class RequestLogAutoConfiguration {

	@Bean
	RequestLogHandler<ClientRequestObservationContext> conntraceRequestLogHandler(LogProperties properties) {
		return RequestLogHandler.forWebClient(RequestLogHandler.slowerThanNanos(properties.getSlowerThan()));
	}

}
