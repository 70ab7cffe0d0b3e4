package io.conntrace.autoconfigure.pool;

import io.conntrace.autoconfigure.ConntraceListeners;
import io.conntrace.autoconfigure.metrics.ConnectionMetricsAutoConfiguration;
import io.conntrace.autoconfigure.metrics.ConnectionMetricsProperties;
import io.conntrace.pool.CompositeRegistrar;
import io.conntrace.pool.PoolActivity;
import io.conntrace.trace.ConnectionListener;
import io.conntrace.trace.RequestFailureDescriber;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.http.client.autoconfigure.reactive.ClientHttpConnectorBuilderCustomizer;
import org.springframework.boot.http.client.reactive.ReactorClientHttpConnectorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;

/**
 * Auto-configuration of the connection pool that Boot's reactive connector, and so every WebClient
 * built from Boot's builder, uses: limits and idle and life times from {@code conntrace.pool.*}.
 */
@AutoConfiguration(after = ConnectionMetricsAutoConfiguration.class)
@ConditionalOnClass({ HttpClient.class, ReactorClientHttpConnectorBuilder.class })
@ConditionalOnBooleanProperty(name = "conntrace.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "conntrace.pool.enabled", matchIfMissing = true)
@EnableConfigurationProperties({ PoolProperties.class, ConnectionMetricsProperties.class,
		ConntraceEndpointProperties.class })
public final class ConnectionPoolAutoConfiguration {

	/**
	 * The order of conntrace's customizers of Boot's client builders: after Boot's own (order 0), which sets the
	 * pool of its ReactorResourceFactory, and before an application's (unordered ones come last), which may
	 * still choose another pool.
	 */
	public static final int ORDER = 10;

	@Bean
	ConntracePool conntracePool(PoolProperties properties, ObjectProvider<ConnectionProvider.MeterRegistrar> registrars,
			ObjectProvider<ConnectionListener> listener) {
		return new ConntracePool(properties, CompositeRegistrar.of(registrars.orderedStream().toList()),
				ConntraceListeners.of(listener));
	}

	/**
	 * What the pool is doing now, for the saturation messages and the actuator endpoint. Follows as many
	 * servers as the meters tag ({@code conntrace.metrics.max-servers}), whether meters are on or not.
	 */
	@Bean
	@ConditionalOnMissingBean
	PoolActivity conntracePoolActivity(ConnectionMetricsProperties metrics) {
		return new PoolActivity(metrics.checkedMaxServers());
	}

	@Bean
	@Order(ORDER)
	ClientHttpConnectorBuilderCustomizer<ReactorClientHttpConnectorBuilder> conntracePoolClientHttpConnectorBuilderCustomizer(
			ConntracePool pool) {
		return (builder) -> builder.withHttpClientFactory(pool::newHttpClient);
	}

	/**
	 * Run on a request's final failure by conntrace's one WebClient filter (so a request pays for no filter of its
	 * own) and by its blocking-call support.
	 */
	@Bean
	RequestFailureDescriber conntracePoolSaturation(ConntracePool pool, PoolActivity activity,
			ConntraceEndpointProperties endpoint) {
		// A log has no authorized reader: paths only where they are always shown.
		return new PoolSaturation(pool, activity,
				endpoint.getShowValues() == ConntraceEndpointProperties.ShowValues.ALWAYS);
	}

}
