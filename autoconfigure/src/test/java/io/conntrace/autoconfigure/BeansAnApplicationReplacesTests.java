package io.conntrace.autoconfigure;

import java.time.Duration;
import java.util.List;

import brave.handler.MutableSpan;
import io.conntrace.autoconfigure.pool.ConntracePool;
import io.conntrace.keepalive.TcpKeepAlive;
import io.conntrace.metrics.ConnectionMeters;
import io.conntrace.metrics.PoolMeterRegistrar;
import io.conntrace.pool.PoolActivity;
import io.conntrace.testsupport.CountingServer;
import io.conntrace.testsupport.SpanAssertions;
import io.conntrace.testsupport.TracedContext;
import io.conntrace.trace.BlockingCalls;
import io.conntrace.trace.ConnectionListener;
import io.conntrace.trace.ConnectionTracing;
import io.conntrace.trace.ResendRule;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each bean an application may want its own of: conntrace backs off and uses the application's, and
 * {@code conntrace.pool.enabled=false} keeps Boot's pool with the trace on.
 */
class BeansAnApplicationReplacesTests {

	private final ApplicationContextRunner runner = TracedContext.runner().withConfiguration(TracedContext.METRICS);

	@Test
	void byDefaultConntraceMakesEachOfThem() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(ConnectionTracing.class)
			.hasSingleBean(PoolActivity.class)
			.hasSingleBean(ConnectionMeters.class)
			.hasSingleBean(PoolMeterRegistrar.class)
			.hasSingleBean(TcpKeepAlive.class)
			.hasSingleBean(BlockingCalls.class)
			.hasSingleBean(ConntracePool.class));
	}

	@Test
	void theApplicationsOwnAreUsedInstead() throws Exception {
		try (CountingServer server = CountingServer.http()) {
			this.runner.withUserConfiguration(OwnBeans.class).run((context) -> {
				assertThat(context.getBean(ConnectionTracing.class)).isSameAs(context.getBean("ownTracing"));
				assertThat(context.getBean(PoolActivity.class)).isSameAs(context.getBean("ownActivity"));
				assertThat(context.getBean(ConnectionMeters.class)).isSameAs(context.getBean("ownMeters"));
				assertThat(context.getBean(PoolMeterRegistrar.class)).isSameAs(context.getBean("ownPoolMeters"));
				assertThat(context.getBean(TcpKeepAlive.class)).isSameAs(context.getBean("ownKeepAlive"));
				assertThat(context.getBean(BlockingCalls.class)).isSameAs(context.getBean("ownCalls"));
				// Boot's WebClient runs on the application's tracing: still one connection, and its facts.
				List<MutableSpan> spans = threeCalls(context, server);
				assertThat(SpanAssertions.newConnections(spans)).isEqualTo(server.accepted());
			});
		}
	}

	@Test
	void withoutConntracesPoolBootsPoolCarriesTheTrace() throws Exception {
		try (CountingServer server = CountingServer.http()) {
			this.runner.withPropertyValues("conntrace.pool.enabled=false").run((context) -> {
				assertThat(context).doesNotHaveBean(ConntracePool.class).doesNotHaveBean(PoolActivity.class);
				assertThat(context).hasSingleBean(ConnectionTracing.class);
				List<MutableSpan> spans = threeCalls(context, server);
				assertThat(SpanAssertions.newConnections(spans)).isEqualTo(server.accepted());
				assertThat(spans).allSatisfy((span) -> assertThat(span.tag("conntrace.connection.id")).isNotNull());
			});
		}
	}

	/** Three calls through Boot's WebClient, and their spans. */
	private static List<MutableSpan> threeCalls(ApplicationContext context, CountingServer server) {
		WebClient client = context.getBean(WebClient.Builder.class).build();
		for (int i = 0; i < 3; i++) {
			assertThat(client.get().uri(server.url("/")).retrieve().bodyToMono(String.class)
				.block(Duration.ofSeconds(10))).isEqualTo("ok");
		}
		return context.getBean(TracedContext.CapturedSpans.class).client(3);
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnBeans {

		@Bean
		ConnectionTracing ownTracing() {
			return ConnectionTracing.create(ConnectionListener.NONE, true);
		}

		@Bean
		PoolActivity ownActivity() {
			return new PoolActivity(10);
		}

		@Bean
		ConnectionMeters ownMeters() {
			return new ConnectionMeters(new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), 10);
		}

		@Bean
		PoolMeterRegistrar ownPoolMeters() {
			return new PoolMeterRegistrar(new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), 10);
		}

		@Bean
		TcpKeepAlive ownKeepAlive() {
			return TcpKeepAlive.of(false, Duration.ofSeconds(60), Duration.ofSeconds(10), 3);
		}

		@Bean
		BlockingCalls ownCalls() {
			return BlockingCalls.create(ObservationRegistry.NOOP, ResendRule.NEVER, ConnectionListener.NONE, List.of());
		}

	}

}
