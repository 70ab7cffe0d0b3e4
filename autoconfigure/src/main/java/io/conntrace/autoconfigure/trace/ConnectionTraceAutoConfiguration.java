package io.conntrace.autoconfigure.trace;

import io.conntrace.autoconfigure.ConntraceListeners;
import io.conntrace.autoconfigure.ConntraceProperties;
import io.conntrace.autoconfigure.keepalive.KeepAliveAutoConfiguration;
import io.conntrace.autoconfigure.metrics.ConnectionMetricsAutoConfiguration;
import io.conntrace.autoconfigure.pool.PoolProperties;
import io.conntrace.keepalive.TcpKeepAlive;
import io.conntrace.trace.ConnectionListener;
import io.conntrace.trace.ConnectionTracing;
import io.micrometer.observation.ObservationFilter;
import io.micrometer.observation.ObservationRegistry;
import reactor.netty.http.client.HttpClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.http.client.autoconfigure.reactive.ClientHttpConnectorBuilderCustomizer;
import org.springframework.boot.http.client.reactive.ReactorClientHttpConnectorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Auto-configuration that traces the connection behind every request on Reactor Netty: the application's
 * {@link ConnectionTracing} and the {@link ObservationFilter} that puts its facts on spans, for every client
 * (the imperative clients' wiring uses them too); Boot's reactive connector through its official customizer;
 * and WebClient beans built without Boot's builder through a post-processor that gives them the
 * application's observation registry.
 */
@AutoConfiguration(after = { ConnectionMetricsAutoConfiguration.class, KeepAliveAutoConfiguration.class })
@ConditionalOnClass(HttpClient.class)
@ConditionalOnBooleanProperty(name = "conntrace.enabled", matchIfMissing = true)
@EnableConfigurationProperties({ ConntraceProperties.class, TraceProperties.class, PoolProperties.class })
public final class ConnectionTraceAutoConfiguration {

	/**
	 * {@code conntrace.pool.keep-cancelled-dials} applies to every instrumented client, on conntrace's pool
	 * or not: the pool's properties are bound here too.
	 */
	@Bean
	@ConditionalOnMissingBean
	ConnectionTracing conntraceConnectionTracing(TraceProperties properties, PoolProperties pool,
			ObjectProvider<ConnectionListener> listener, ObjectProvider<TcpKeepAlive> keepAlive) {
		// The keep-alive probes run inside conntrace's one channel-init hook, so every client keys its pools alike.
		TcpKeepAlive probes = keepAlive.getIfAvailable();
		return ConnectionTracing.create(ConntraceListeners.of(listener), properties.isEnabled(),
				pool.isKeepCancelledDials(), (probes != null) ? probes.probes() : null);
	}

	/** Boot registers every {@link ObservationFilter} bean on the application's observation registry. */
	@Bean
	@ConditionalOnBooleanProperty(name = "conntrace.trace.enabled", matchIfMissing = true)
	ObservationFilter conntraceObservationFilter() {
		return ConnectionTracing.observationFilter();
	}

	/** WebClient's own: its beans, and its connector's own HttpClient beans. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(WebClient.class)
	static class WebClientConfiguration {

		@Bean
		static WebClientTracingPostProcessor conntraceWebClientTracingPostProcessor(Environment environment,
				ObjectProvider<ConnectionTracing> tracing, ObjectProvider<ObservationRegistry> observationRegistry) {
			// A post-processor is created before properties beans: read its two switches straight from the environment.
			Binder binder = Binder.get(environment);
			boolean webClientBeans = binder.bind("conntrace.trace.enabled", Boolean.class).orElse(true)
					&& binder.bind("conntrace.trace.web-client-beans", Boolean.class).orElse(true);
			return new WebClientTracingPostProcessor(tracing, observationRegistry, webClientBeans);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ReactorClientHttpConnectorBuilder.class)
	static class ReactorConnectorConfiguration {

		@Bean
		ClientHttpConnectorBuilderCustomizer<ReactorClientHttpConnectorBuilder> conntraceClientHttpConnectorBuilderCustomizer(
				ConnectionTracing tracing) {
			return (builder) -> builder.withHttpClientCustomizer(tracing::apply);
		}

		@Bean
		static ConnectorBuilderPostProcessor conntraceConnectorBuilderPostProcessor(
				ObjectProvider<ConnectionTracing> tracing) {
			return new ConnectorBuilderPostProcessor(tracing);
		}

	}

}
