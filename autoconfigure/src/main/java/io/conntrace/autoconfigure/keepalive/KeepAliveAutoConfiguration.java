package io.conntrace.autoconfigure.keepalive;

import io.conntrace.autoconfigure.PropertyCheck;
import io.conntrace.keepalive.TcpKeepAlive;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.netty.http.client.HttpClient;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.http.client.autoconfigure.reactive.ClientHttpConnectorBuilderCustomizer;
import org.springframework.boot.http.client.reactive.ReactorClientHttpConnectorBuilder;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of TCP keep-alive from {@code conntrace.keep-alive.*} on Boot's reactive connector.
 */
@AutoConfiguration
@ConditionalOnClass({ HttpClient.class, ReactorClientHttpConnectorBuilder.class })
@ConditionalOnBooleanProperty(name = "conntrace.enabled", matchIfMissing = true)
@EnableConfigurationProperties(KeepAliveProperties.class)
public final class KeepAliveAutoConfiguration {

	private static final Log logger = LogFactory.getLog(KeepAliveAutoConfiguration.class);

	/** The socket options, checked once; also applied to the gateway's client where there is one. */
	@Bean
	@ConditionalOnMissingBean
	TcpKeepAlive conntraceTcpKeepAlive(KeepAliveProperties properties) {
		PropertyCheck.wholeSeconds("conntrace.keep-alive.idle", properties.getIdle(), 32767);
		PropertyCheck.wholeSeconds("conntrace.keep-alive.interval", properties.getInterval(), 32767);
		PropertyCheck.between("conntrace.keep-alive.count", properties.getCount(), 1, 127);
		TcpKeepAlive keepAlive = TcpKeepAlive.of(properties.isEnabled(), properties.getIdle(),
				properties.getInterval(), properties.getCount());
		if (!keepAlive.unsupported().isEmpty()) {
			logger.warn("conntrace.keep-alive: this JDK or OS does not support " + keepAlive.unsupported()
					+ "; connections use SO_KEEPALIVE with the operating system's values for those instead");
		}
		return keepAlive;
	}

	/** The probe settings run inside conntrace's one channel-init hook ({@code ConnectionTracing}). */
	@Bean
	ClientHttpConnectorBuilderCustomizer<ReactorClientHttpConnectorBuilder> conntraceKeepAliveClientHttpConnectorBuilderCustomizer(
			TcpKeepAlive keepAlive) {
		return (builder) -> builder.withHttpClientCustomizer(keepAlive::applySocketOption);
	}

}
