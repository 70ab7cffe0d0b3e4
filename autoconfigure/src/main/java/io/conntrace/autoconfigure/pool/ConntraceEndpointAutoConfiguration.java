package io.conntrace.autoconfigure.pool;

import io.conntrace.pool.PoolActivity;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of {@code /actuator/conntrace} where actuator is on the class path and the endpoint
 * is available (Boot's own rules: {@code management.endpoint.conntrace.access},
 * {@code management.endpoints.web.exposure.include}).
 */
@AutoConfiguration(after = ConnectionPoolAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean({ ConntracePool.class, PoolActivity.class })
@ConditionalOnAvailableEndpoint(ConntraceEndpoint.class)
public final class ConntraceEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ConntraceEndpoint conntraceEndpoint(ConntracePool pool, PoolActivity activity,
			ConntraceEndpointProperties properties) {
		return new ConntraceEndpoint(pool, activity, properties);
	}

}
