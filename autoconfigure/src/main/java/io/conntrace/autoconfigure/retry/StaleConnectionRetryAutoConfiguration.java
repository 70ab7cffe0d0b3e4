package io.conntrace.autoconfigure.retry;

import io.conntrace.autoconfigure.ConntraceListeners;
import io.conntrace.autoconfigure.metrics.ConnectionMetricsAutoConfiguration;
import io.conntrace.trace.ConnectionListener;
import io.conntrace.trace.RequestFailureDescriber;
import reactor.netty.http.client.HttpClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Auto-configuration of the stale-connection retry on every WebClient built from Boot's builder, whose
 * connections conntrace sees: conntrace's one filter there, which also runs every
 * {@link RequestFailureDescriber} on a request's final failure.
 */
@AutoConfiguration(after = ConnectionMetricsAutoConfiguration.class)
@ConditionalOnClass({ WebClient.class, HttpClient.class, WebClientCustomizer.class })
@ConditionalOnBooleanProperty(name = "conntrace.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RetryProperties.class)
public final class StaleConnectionRetryAutoConfiguration {

	/**
	 * Last of the customizers, so filters added by other customizers run once around a retry; filters an
	 * application adds to the builder after that sit inside the retry and run again with it.
	 */
	@Bean
	@Order(Ordered.LOWEST_PRECEDENCE)
	WebClientCustomizer conntraceStaleConnectionRetryWebClientCustomizer(RetryProperties properties,
			ObjectProvider<ConnectionListener> listener, ObjectProvider<RequestFailureDescriber> describers) {
		StaleConnectionRetry retry = new StaleConnectionRetry(properties,
				ConntraceListeners.of(listener), describers.orderedStream().toList());
		return (builder) -> builder.filter(retry);
	}

}
