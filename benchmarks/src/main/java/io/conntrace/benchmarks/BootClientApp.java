package io.conntrace.benchmarks;

import java.io.File;
import java.util.function.Function;

import io.conntrace.autoconfigure.pool.PoolProperties;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.client.Http2AllocationStrategy;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.http.client.autoconfigure.reactive.ClientHttpConnectorBuilderCustomizer;
import org.springframework.boot.http.client.reactive.ReactorClientHttpConnectorBuilder;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;

/**
 * The application the Boot mode measures: Boot's auto-configuration as a user's app has it (WebClient,
 * actuator, Brave with Zipkin export off, conntrace unless {@code conntrace.enabled=false}), plus the
 * benchmark's protocol and trust of the local servers' certificate on Boot's connector, and Reactor Netty's
 * own client metrics when {@code benchmark.client.reactor-netty-metrics} asks for them, hooks that do nothing
 * ({@link BareHooks}) when {@code benchmark.client.bare-hooks} names some ({@link BareHooks#PARTS}). Over
 * HTTP/2, a context without conntrace gets a pool shaped as conntrace's defaults shape its own ({@link #MatchingHttp2Pool}):
 * Reactor Netty's default HTTP/2 pool spreads streams over more connections, which costs more than
 * anything conntrace does, and the comparison would measure the pools instead of conntrace.
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

	/** The floor context's hooks that do nothing ({@code boot-cost.floor}) on the client, as its parts say. */
	@Bean
	@ConditionalOnProperty("benchmark.client.bare-hooks")
	ClientHttpConnectorBuilderCustomizer<ReactorClientHttpConnectorBuilder> benchmarkBareHooksCustomizer(
			Environment environment) {
		String parts = environment.getRequiredProperty("benchmark.client.bare-hooks");
		return (builder) -> builder.withHttpClientCustomizer((client) -> BareHooks.apply(client, parts));
	}

	/** The floor context's filter on Boot's WebClient.Builder, if its parts include it. */
	@Bean
	@ConditionalOnProperty("benchmark.client.bare-hooks")
	WebClientCustomizer benchmarkBareHooksFilter(Environment environment) {
		boolean filter = BareHooks.filters(environment.getRequiredProperty("benchmark.client.bare-hooks"));
		return (builder) -> {
			if (filter) {
				builder.filter(BareHooks.FILTER);
			}
		};
	}

	/** Only where conntrace is off, and only for HTTP/2: HTTP/1.1 keeps the method (Boot's default pool). */
	@Bean
	@Order(10)
	@ConditionalOnBooleanProperty(name = "conntrace.enabled", havingValue = false)
	ClientHttpConnectorBuilderCustomizer<ReactorClientHttpConnectorBuilder> benchmarkMatchingHttp2PoolCustomizer(
			Environment environment, MatchingHttp2Pool pool) {
		BootProtocol protocol = BootProtocol.valueOf(environment.getRequiredProperty("benchmark.client.protocol"));
		return (builder) -> protocol.http2() ? builder.withHttpClientFactory(() -> HttpClient.create(pool.provider))
				: builder;
	}

	@Bean(destroyMethod = "dispose")
	@ConditionalOnBooleanProperty(name = "conntrace.enabled", havingValue = false)
	MatchingHttp2Pool benchmarkMatchingHttp2Pool() {
		return new MatchingHttp2Pool();
	}

	/**
	 * conntrace's default pool limits, read off {@link PoolProperties} so they cannot drift from them, without
	 * anything of conntrace's: no eviction predicate, no timer.
	 */
	static final class MatchingHttp2Pool {

		final ConnectionProvider provider;

		MatchingHttp2Pool() {
			PoolProperties defaults = new PoolProperties();
			ConnectionProvider.Builder builder = ConnectionProvider.builder("benchmark-off-http2")
				.maxConnections(defaults.getMaxConnections())
				.pendingAcquireMaxCount(defaults.getPendingAcquireMaxCount())
				.pendingAcquireTimeout(defaults.getPendingAcquireTimeout())
				.maxIdleTime(defaults.getMaxIdleTime())
				.maxLifeTime(defaults.getMaxLifeTime())
				.allocationStrategy(Http2AllocationStrategy.builder()
					.maxConnections(defaults.getMaxConnections())
					.minConnections(defaults.getHttp2().getMinConnections())
					.strictConnectionReuse(defaults.getHttp2().isStrictConnectionReuse())
					.build());
			if (defaults.getLeasingStrategy() == PoolProperties.LeasingStrategy.LIFO) {
				builder.lifo();
			}
			else {
				builder.fifo();
			}
			this.provider = builder.build();
		}

		void dispose() {
			this.provider.dispose();
		}

	}

}
