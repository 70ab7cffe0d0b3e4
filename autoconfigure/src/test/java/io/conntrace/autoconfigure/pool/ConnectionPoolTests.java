package io.conntrace.autoconfigure.pool;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.conntrace.pool.PoolActivity;
import io.conntrace.pool.ServerActivity;
import io.conntrace.testsupport.CountingServer;
import io.conntrace.trace.ConnectionListener;
import io.conntrace.testsupport.TracedContext;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioChannelOption;
import jdk.net.ExtendedSocketOptions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.boot.http.client.autoconfigure.reactive.ClientHttpConnectorBuilderCustomizer;
import org.springframework.boot.http.client.reactive.ReactorClientHttpConnectorBuilder;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pool and keep-alive conntrace builds from its properties are what Boot's WebClient really uses,
 * checked against the test server's count of accepted connections and the real socket's options.
 */
class ConnectionPoolTests {

	private final ApplicationContextRunner runner = TracedContext.runner();

	@Test
	void defaultsAreConntracesSafeOnes() {
		this.runner.run((context) -> {
			PoolProperties properties = context.getBean(PoolProperties.class);
			assertThat(properties.getMaxIdleTime()).isEqualTo(Duration.ofSeconds(4));
			assertThat(properties.getMaxLifeTime()).isEqualTo(Duration.ofMinutes(5));
			assertThat(properties.getLeasingStrategy()).isEqualTo(PoolProperties.LeasingStrategy.LIFO);
			assertThat(properties.getEvictInBackground()).isNull();
			ConnectionProvider provider = context.getBean(ConntracePool.class).provider();
			assertThat(provider.maxConnections()).isEqualTo(50);
			assertThat(provider.name()).isEqualTo("conntrace");
		});
	}

	/**
	 * Spring Cloud's pause and resume stop and start the context. Its connections are closed (their event loops
	 * go with the stop of Boot's {@code ReactorResourceFactory}) but the pool is not disposed: the listeners are
	 * not told so (the meters would count every later close as the pool's disposal), a client built after the
	 * start gets the pool, and the close still disposes it. (Boot's WebClient connector is built once, on the
	 * loops the stop ends, so it fails after a restart with or without conntrace.)
	 */
	@Test
	void aContextStoppedAndStartedAgainKeepsItsPoolAndTheCloseDisposesIt() throws Exception {
		try (CountingServer server = CountingServer.httpApart()) {
			AtomicInteger disposing = new AtomicInteger();
			countingDisposals(disposing).run((context) -> {
				ClientHttpRequestFactoryBuilder<?> builder = context.getBean(ClientHttpRequestFactoryBuilder.class);
				assertThat(get(builder, server)).isEqualTo("ok");
				ConnectionProvider provider = context.getBean(ConntracePool.class).provider();
				context.stop();
				Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> server.closed() == server.accepted());
				context.start();
				assertThat(disposing).hasValue(0);
				int before = server.accepted();
				assertThat(get(builder, server)).isEqualTo("ok");
				assertThat(server.accepted()).isEqualTo(before + 1);
				// The stop dropped the server's pool of the old event loops: one pool, not one per start.
				ServerActivity activity = context.getBean(PoolActivity.class).server("127.0.0.1", server.port());
				Awaitility.await().atMost(Duration.ofSeconds(5))
					.untilAsserted(() -> assertThat(activity.connectionPools()).hasSize(1));
				context.close();
				assertThat(disposing).hasValue(1);
				assertThat(provider.isDisposed()).isTrue();
				Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> server.closed() == server.accepted());
			});
		}
	}

	/** A stop, then the close: disposed once, the listeners told once. */
	@Test
	void aStoppedContextsCloseStillDisposesThePool() throws Exception {
		try (CountingServer server = CountingServer.httpApart()) {
			AtomicInteger disposing = new AtomicInteger();
			countingDisposals(disposing).run((context) -> {
				assertThat(get(context.getBean(ClientHttpRequestFactoryBuilder.class), server)).isEqualTo("ok");
				context.stop();
				context.close();
				assertThat(disposing).hasValue(1);
			});
			Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> server.closed() == server.accepted());
		}
	}

	/** With RestClient's builder, and a listener counting how often it is told the pool is being disposed. */
	private ApplicationContextRunner countingDisposals(AtomicInteger disposing) {
		return this.runner.withConfiguration(AutoConfigurations.of(ImperativeHttpClientAutoConfiguration.class))
			.withBean("disposals", ConnectionListener.class, () -> new ConnectionListener() {

				@Override
				public void poolDisposing() {
					disposing.incrementAndGet();
				}

			});
	}

	private static String get(ClientHttpRequestFactoryBuilder<?> builder, CountingServer server) {
		return RestClient.builder().requestFactory(builder.build()).build().get().uri(server.url("/")).retrieve()
			.body(String.class);
	}

	@Test
	void maxConnectionsLimitsWhatBootsWebClientOpens() throws Exception {
		try (CountingServer server = CountingServer.http()) {
			this.runner.withPropertyValues("conntrace.pool.max-connections=1").run((context) -> {
				assertThat(burst(context, server, 4)).hasSize(4);
				assertThat(server.accepted()).isEqualTo(1);
			});
		}
	}

	@Test
	void perHostOverrideAppliesToThatHostOnly() throws Exception {
		try (CountingServer limited = CountingServer.http(); CountingServer other = CountingServer.http()) {
			// A property source, not withPropertyValues, which would split the key at its ':'.
			this.runner.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("hosts",
						Map.of("conntrace.pool.hosts.[127.0.0.1:" + limited.port() + "].max-connections", "1"))))
				.run((context) -> {
					assertThat(context.getBean(ConntracePool.class).provider().maxConnectionsPerHost())
						.containsValue(1);
					assertThat(burst(context, limited, 4)).hasSize(4);
					assertThat(burst(context, other, 4)).hasSize(4);
					assertThat(limited.accepted()).isEqualTo(1);
					assertThat(other.accepted()).isEqualTo(4);
				});
		}
	}

	@Test
	void twoContextsNeitherShareNorLeakPools() throws Exception {
		// Each context with event loops of its own: Boot's default, Reactor Netty's global ones, would be shut down
		// with the first context (webflux on the class path), which is Boot's behaviour, not the pools'.
		ApplicationContextRunner runner = this.runner.withBean(ReactorResourceFactory.class, () -> {
			ReactorResourceFactory factory = new ReactorResourceFactory();
			factory.setUseGlobalResources(false);
			return factory;
		});
		try (CountingServer server = CountingServer.http()) {
			runner.run((first) -> runner.run((second) -> {
				get(first, server);
				get(second, server);
				// Each context opened its own connection: nothing is shared.
				assertThat(server.accepted()).isEqualTo(2);
				ConnectionProvider firstPool = first.getBean(ConntracePool.class).provider();
				ConnectionProvider secondPool = second.getBean(ConntracePool.class).provider();
				assertThat(firstPool).isNotSameAs(secondPool);
				first.close();
				assertThat(firstPool.isDisposed()).isTrue();
				assertThat(secondPool.isDisposed()).isFalse();
				assertThat(get(second, server)).isEqualTo("ok");
			}));
		}
	}

	@Test
	void keepAliveOptionsAreOnTheRealSocket() throws Exception {
		try (CountingServer server = CountingServer.http()) {
			this.runner.withUserConfiguration(ChannelCapture.class)
				.withPropertyValues("conntrace.keep-alive.idle=30s", "conntrace.keep-alive.interval=5s",
						"conntrace.keep-alive.count=4")
				.run((context) -> {
					get(context, server);
					Channel channel = context.getBean(ChannelCapture.class).channel.get();
					assertThat(channel.config().getOption(ChannelOption.SO_KEEPALIVE)).isTrue();
					assertThat(channel.config().getOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE)))
						.isEqualTo(30);
					assertThat(channel.config()
						.getOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL))).isEqualTo(5);
					assertThat(channel.config().getOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT)))
						.isEqualTo(4);
				});
		}
	}

	@Test
	void keepAliveCanBeTurnedOff() throws Exception {
		try (CountingServer server = CountingServer.http()) {
			this.runner.withUserConfiguration(ChannelCapture.class)
				.withPropertyValues("conntrace.keep-alive.enabled=false")
				.run((context) -> {
					get(context, server);
					Channel channel = context.getBean(ChannelCapture.class).channel.get();
					assertThat(channel.config().getOption(ChannelOption.SO_KEEPALIVE)).isFalse();
				});
		}
	}

	private static String get(AssertableApplicationContext context, CountingServer server) {
		return context.getBean(WebClient.Builder.class)
			.build()
			.get()
			.uri(server.url("/"))
			.retrieve()
			.bodyToMono(String.class)
			.block(Duration.ofSeconds(10));
	}

	static List<String> burst(AssertableApplicationContext context, CountingServer server, int requests) {
		WebClient client = context.getBean(WebClient.Builder.class).build();
		return Flux.range(0, requests)
			.flatMap((i) -> client.get().uri(server.url("/slow?ms=100")).retrieve().bodyToMono(String.class))
			.collectList()
			.block(Duration.ofSeconds(20));
	}

	@Configuration(proxyBeanMethods = false)
	static class ChannelCapture {

		final AtomicReference<Channel> channel = new AtomicReference<>();

		@Bean
		ClientHttpConnectorBuilderCustomizer<ReactorClientHttpConnectorBuilder> captureChannel() {
			return (builder) -> builder.withHttpClientCustomizer(
					(client) -> client.doOnConnected((connection) -> this.channel.set(connection.channel())));
		}

	}

}
