package io.conntrace.autoconfigure.trace;

import java.time.Duration;
import java.util.List;

import brave.handler.MutableSpan;
import io.conntrace.testsupport.CountingServer;
import io.conntrace.testsupport.TracedContext;
import io.conntrace.trace.ConnectionTracing;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every kind of WebClient bean a Boot application can have, each in a real application context with
 * real tracing, against a real server that counts its connections.
 */
@ExtendWith(OutputCaptureExtension.class)
class EveryWebClientTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private CountingServer server;

	@BeforeEach
	void start() throws Exception {
		this.server = CountingServer.http();
		System.setProperty("test.server.url", this.server.url(""));
	}

	@AfterEach
	void stop() {
		this.server.close();
		System.clearProperty("test.server.url");
	}

	@Test
	void clientFromBootsBuilderKeepsUserCustomizationsAndIsTraced(CapturedOutput output) {
		TracedContext.runner().withUserConfiguration(FromBuilder.class).run((context) -> {
			WebClient client = context.getBean("fromBuilder", WebClient.class);
			for (int i = 0; i < 3; i++) {
				assertThat(get(client, "/header")).isEqualTo("kept");
			}
			List<MutableSpan> spans = spans(context, 3);
			assertThat(spans).hasSize(3).allSatisfy(EveryWebClientTests::hasConntraceFacts);
			assertThat(newConnections(spans)).isEqualTo(this.server.accepted());
			assertThat(output).doesNotContain("conntrace cannot");
		});
	}

	@Test
	void clientMadeWithoutBuilderGetsTheRegistryAndItsSettingsKept(CapturedOutput output) {
		TracedContext.runner().withUserConfiguration(Created.class).run((context) -> {
			WebClient client = context.getBean("created", WebClient.class);
			assertThat(get(client, "/header")).isEqualTo("kept");
			assertThat(get(client, "/header")).isEqualTo("kept");
			// Without the application's registry this client made no span at all.
			assertThat(spans(context, 2)).hasSize(2)
				.allSatisfy((span) -> assertThat(span.tag("http.url")).startsWith(this.server.url("/header")));
			// Spring gave it a default connector conntrace cannot reach: one line says so and how to fix it.
			assertThat(warnings(output, "'created'")).isEqualTo(1);
			assertThat(output).contains("ConnectionTracing.instrument(httpClient)");
		});
	}

	@Test
	void userBuiltReactorConnectorIsNamedWithTheFix(CapturedOutput output) {
		TracedContext.runner().withUserConfiguration(UserConnector.class).run((context) -> {
			WebClient client = context.getBean("ownConnector", WebClient.class);
			assertThat(get(client, "/")).isEqualTo("ok");
			assertThat(get(client, "/")).isEqualTo("ok");
			assertThat(warnings(output, "'ownConnector'")).isEqualTo(1);
			assertThat(output).contains("new ReactorClientHttpConnector(ConnectionTracing.instrument(httpClient))");
			// Its own response timeout still applies.
			assertThatThrownBy(() -> get(client, "/slow?ms=2000")).isInstanceOf(WebClientRequestException.class)
				.hasRootCauseInstanceOf(io.netty.handler.timeout.ReadTimeoutException.class);
		});
	}

	@Test
	void userBuiltReactorConnectorWithTheFixIsTracedWithItsOwnSettings(CapturedOutput output) {
		TracedContext.runner().withUserConfiguration(UserConnectorFixed.class).run((context) -> {
			WebClient client = context.getBean("ownConnector", WebClient.class);
			List<String> bodies = Flux.range(0, 6)
				.flatMap((i) -> client.get().uri(this.server.url("/slow?ms=20")).retrieve().bodyToMono(String.class))
				.collectList()
				.block(TIMEOUT);
			assertThat(bodies).hasSize(6);
			// Its own one-connection pool is the one in use: six concurrent requests, one connection.
			assertThat(this.server.accepted()).isEqualTo(1);
			List<MutableSpan> spans = spans(context, 6);
			assertThat(spans).hasSize(6).allSatisfy(EveryWebClientTests::hasConntraceFacts);
			assertThat(newConnections(spans)).isEqualTo(1);
			// Six requests through one connection: the later ones waited for it.
			assertThat(spans.stream()
				.filter((span) -> span.tag("conntrace.pool.wait_ms") != null)
				.mapToDouble((span) -> Double.parseDouble(span.tag("conntrace.pool.wait_ms")))
				.max()
				.getAsDouble()).isGreaterThan(20);
			assertThatThrownBy(() -> get(client, "/slow?ms=2000")).isInstanceOf(WebClientRequestException.class)
				.hasRootCauseInstanceOf(io.netty.handler.timeout.ReadTimeoutException.class);
			assertThat(output).doesNotContain("conntrace cannot");
		});
	}

	@Test
	void httpClientBeanIsInstrumentedInPlace(CapturedOutput output) {
		TracedContext.runner().withUserConfiguration(HttpClientBean.class).run((context) -> {
			WebClient client = context.getBean("onHttpClientBean", WebClient.class);
			assertThat(get(client, "/")).isEqualTo("ok");
			assertThat(spans(context, 1)).singleElement().satisfies(EveryWebClientTests::hasConntraceFacts);
			assertThat(output).doesNotContain("conntrace cannot");
			// The user's own pool does not report its waits: a new connection's wait is not written (why is said
			// once, at INFO).
			assertThat(spans(context, 1).get(0).tags()).doesNotContainKeys("conntrace.pool.wait_ms",
					"conntrace.setup_ms");
		});
	}

	@Test
	void nonReactorConnectorIsNamedAndWorksUnchanged(CapturedOutput output) {
		TracedContext.runner().withUserConfiguration(JdkConnector.class).run((context) -> {
			WebClient client = context.getBean("jdk", WebClient.class);
			assertThat(get(client, "/")).isEqualTo("ok");
			assertThat(get(client, "/")).isEqualTo("ok");
			assertThat(warnings(output, "'jdk'")).isEqualTo(1);
			assertThat(output).contains("JdkClientHttpRequest, not Reactor Netty");
			assertThat(spans(context, 2)).hasSize(2)
				.allSatisfy((span) -> assertThat(span.tags()).doesNotContainKey("conntrace.connection.reused"));
		});
	}

	@Test
	void webClientBeansCanBeLeftAlone(CapturedOutput output) {
		TracedContext.runner().withPropertyValues("conntrace.trace.web-client-beans=false")
			.withUserConfiguration(Created.class)
			.run((context) -> {
				assertThat(get(context.getBean("created", WebClient.class), "/header")).isEqualTo("kept");
				// Left as the user made it: no registry, so no span, and no check.
				assertThat(context.getBean(TracedContext.CapturedSpans.class).client()).isEmpty();
				assertThat(output).doesNotContain("conntrace cannot");
			});
	}

	@Test
	void listenersOfTheApplicationHearBesideConntracesMeters() {
		TracedContext.runner().withConfiguration(TracedContext.METRICS)
			.withUserConfiguration(FromBuilder.class, OwnListener.class)
			.run((context) -> {
				assertThat(get(context.getBean("fromBuilder", WebClient.class), "/header")).isEqualTo("kept");
				assertThat(context.getBean(OwnListener.class).requests).hasValue(1);
				assertThat(context.getBean(io.micrometer.core.instrument.MeterRegistry.class)
					.get("conntrace.requests")
					.counters()).isNotEmpty();
			});
	}

	@Test
	void disabledLeavesClientsAsWithoutTheStarter(CapturedOutput output) {
		TracedContext.runner().withPropertyValues("conntrace.enabled=false")
			.withUserConfiguration(FromBuilder.class, Created.class)
			.run((context) -> {
				assertThat(get(context.getBean("fromBuilder", WebClient.class), "/header")).isEqualTo("kept");
				assertThat(get(context.getBean("created", WebClient.class), "/header")).isEqualTo("kept");
				// Only the builder's client is observed, as in a plain Boot app, and it carries nothing of conntrace.
				assertThat(spans(context, 1)).singleElement()
					.satisfies((span) -> assertThat(span.tags().keySet()).noneMatch((key) -> key.startsWith("conntrace.")));
				assertThat(output).doesNotContain("conntrace");
			});
	}

	@Test
	void withoutTracingRequestsWorkAndNothingFails() {
		new org.springframework.boot.test.context.runner.ApplicationContextRunner()
			.withConfiguration(org.springframework.boot.autoconfigure.AutoConfigurations.of(
					org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration.class,
					org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration.class,
					org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration.class,
					ConnectionTraceAutoConfiguration.class))
			.withUserConfiguration(FromBuilder.class, Created.class)
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(io.micrometer.observation.ObservationRegistry.class);
				assertThat(get(context.getBean("fromBuilder", WebClient.class), "/header")).isEqualTo("kept");
				assertThat(get(context.getBean("created", WebClient.class), "/header")).isEqualTo("kept");
			});
	}

	private String get(WebClient client, String path) {
		return client.get().uri(this.server.url(path)).retrieve().bodyToMono(String.class).block(TIMEOUT);
	}

	/** Client spans once at least {@code expected} have finished: a span ends just after its response. */
	private static List<MutableSpan> spans(AssertableApplicationContext context, int expected) {
		TracedContext.CapturedSpans captured = context.getBean(TracedContext.CapturedSpans.class);
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> captured.client().size() >= expected);
		return captured.client();
	}

	private static long newConnections(List<MutableSpan> spans) {
		return spans.stream().filter((span) -> "false".equals(span.tag("conntrace.connection.reused"))).count();
	}

	private static void hasConntraceFacts(MutableSpan span) {
		assertThat(span.tags()).containsKeys("conntrace.connection.reused", "conntrace.connection.id",
				"conntrace.connection.requests", "conntrace.acquire_ms", "network.peer.address", "network.peer.port");
		if ("true".equals(span.tag("conntrace.connection.reused"))) {
			assertThat(span.tags()).containsKey("conntrace.pool.wait_ms");
		}
	}

	private static long warnings(CapturedOutput output, String beanName) {
		return output.getAll().lines().filter((line) -> line.contains("WARN") && line.contains(beanName)).count();
	}

	@Configuration(proxyBeanMethods = false)
	static class FromBuilder {

		@Bean
		WebClient fromBuilder(WebClient.Builder builder) {
			return builder.defaultHeader("X-User", "kept").build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Created {

		@Bean
		WebClient created() {
			return WebClient.builder().defaultHeader("X-User", "kept").build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserConnector {

		@Bean(destroyMethod = "dispose")
		ConnectionProvider ownPool() {
			return ConnectionProvider.builder("own").maxConnections(1).build();
		}

		@Bean
		WebClient ownConnector(ConnectionProvider ownPool) {
			HttpClient httpClient = HttpClient.create(ownPool).responseTimeout(Duration.ofMillis(300));
			return WebClient.builder().clientConnector(new ReactorClientHttpConnector(httpClient)).build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserConnectorFixed {

		@Bean(destroyMethod = "dispose")
		ConnectionProvider ownPool() {
			return ConnectionProvider.builder("own").maxConnections(1).pendingAcquireMaxCount(10).build();
		}

		@Bean
		WebClient ownConnector(ConnectionProvider ownPool) {
			HttpClient httpClient = HttpClient.create(ownPool).responseTimeout(Duration.ofMillis(300));
			return WebClient.builder()
				.clientConnector(new ReactorClientHttpConnector(ConnectionTracing.instrument(httpClient)))
				.build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class HttpClientBean {

		@Bean
		HttpClient httpClient() {
			return HttpClient.create().responseTimeout(Duration.ofSeconds(5));
		}

		@Bean
		WebClient onHttpClientBean(HttpClient httpClient) {
			return WebClient.builder().clientConnector(new ReactorClientHttpConnector(httpClient)).build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnListener implements io.conntrace.trace.ConnectionListener {

		final java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();

		@Override
		public void requestBound(String host, int port, boolean reused, long acquireNanos, long poolWaitNanos) {
			this.requests.incrementAndGet();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class JdkConnector {

		@Bean
		WebClient jdk() {
			return WebClient.builder().clientConnector(new JdkClientHttpConnector()).build();
		}

	}

}
