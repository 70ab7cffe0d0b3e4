package io.conntrace.autoconfigure.metrics;

import io.conntrace.metrics.ConnectionMeters;
import io.conntrace.metrics.PoolMeterRegistrar;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.netty.http.client.HttpClient;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of conntrace's meters and the pool's gauges on the application's
 * {@link MeterRegistry}, when there is one.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass({ MeterRegistry.class, HttpClient.class })
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "conntrace.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "conntrace.metrics.enabled", matchIfMissing = true)
@EnableConfigurationProperties(ConnectionMetricsProperties.class)
public final class ConnectionMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ConnectionMeters conntraceConnectionMeters(MeterRegistry registry, ConnectionMetricsProperties properties) {
		return new ConnectionMeters(registry, properties.checkedMaxServers());
	}

	@Bean
	@ConditionalOnMissingBean
	PoolMeterRegistrar conntracePoolMeterRegistrar(MeterRegistry registry, ConnectionMetricsProperties properties) {
		return new PoolMeterRegistrar(registry, properties.checkedMaxServers());
	}

}
