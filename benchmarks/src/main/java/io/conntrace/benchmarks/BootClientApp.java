package io.conntrace.benchmarks;

import java.io.File;
import java.util.function.Function;

import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.client.HttpClient;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.reactive.ClientHttpConnectorBuilderCustomizer;
import org.springframework.boot.http.client.reactive.ReactorClientHttpConnectorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The application the Boot mode measures: Boot's auto-configuration as a user's app has it (WebClient,
 * actuator, Brave with Zipkin export off, conntrace unless {@code conntrace.enabled=false}), plus the
 * benchmark's protocol and trust of the local servers' certificate on Boot's connector, and Reactor Netty's
 * own client metrics when {@code benchmark.client.reactor-netty-metrics} asks for them.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
class BootClientApp {

	@Bean
	ClientHttpConnectorBuilderCustomizer<ReactorClientHttpConnectorBuilder> benchmarkClientHttpConnectorBuilderCustomizer(
			Environment environment) {
		BootProtocol protocol = BootProtocol.valueOf(environment.getRequiredProperty("benchmark.client.protocol"));
		File trust = new File(environment.getRequiredProperty("benchmark.client.trust"));
		boolean reactorNettyMetrics = environment.getProperty("benchmark.client.reactor-netty-metrics", Boolean.class,
				false);
		return (builder) -> builder.withHttpClientCustomizer((client) -> {
			HttpClient configured = client.protocol(protocol.protocol());
			if (protocol == BootProtocol.H2) {
				configured = configured.secure((spec) -> spec
					.sslContext(Http2SslContextSpec.forClient().configure((ssl) -> ssl.trustManager(trust))));
			}
			else if (protocol.tls()) {
				configured = configured.secure((spec) -> spec
					.sslContext(Http11SslContextSpec.forClient().configure((ssl) -> ssl.trustManager(trust))));
			}
			// The URI is the same on every request: no tag explosion without a mapper of its own.
			return reactorNettyMetrics ? configured.metrics(true, Function.identity()) : configured;
		});
	}

}
