package io.conntrace.servlet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import brave.handler.MutableSpan;
import io.conntrace.servlet.ServletApp.CountingService;
import io.conntrace.testsupport.CountingServer;
import io.conntrace.testsupport.SpanAssertions;
import io.conntrace.testsupport.TracedApplications;
import io.conntrace.testsupport.TracedContext.CapturedSpans;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import org.springframework.boot.restclient.RestTemplateBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ReactorClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Ground truth for the clients Boot builds from its request factory builder in a Spring MVC application: the spans
 * saying {@code reused=false} must number the sockets the server accepted; measured times must match injected
 * delays; pool limits must hold at the server.
 */
class RestClientGroundTruthTests {

	@Test
	void bootsRestClientRunsOnReactorNettyWithConntracesPool() throws Exception {
		try (CountingServer server = CountingServer.http(); ConfigurableApplicationContext context = ServletApp.start()) {
			assertThat(context.getBean(ClientHttpRequestFactory.class)).isInstanceOf(ReactorClientHttpRequestFactory.class);
			RestClient client = context.getBean(RestClient.Builder.class).build();
			assertThat(client.get().uri(server.url("/")).retrieve().body(String.class)).isEqualTo("ok");
			// conntrace's pool, by its name on Reactor Netty's own gauges: the connection is there.
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.find("reactor.netty.connection.provider.total.connections")
				.tag("name", "conntrace")
				.gauges()
				.stream()
				.mapToDouble(Gauge::value)
				.sum()).isEqualTo(1);
		}
	}

	@Test
	void sequentialCallsOpenAsManyConnectionsAsTheirSpansSay() throws Exception {
		try (CountingServer server = CountingServer.http(); ConfigurableApplicationContext context = ServletApp.start()) {
			RestClient client = context.getBean(RestClient.Builder.class).build();
			for (int i = 0; i < 20; i++) {
				assertThat(client.get().uri(server.url("/")).retrieve().body(String.class)).isEqualTo("ok");
			}
			List<MutableSpan> spans = context.getBean(CapturedSpans.class).client(20);
			assertThat(spans).hasSize(20);
			report("restclient http sequential", server, spans);
			assertThat(SpanAssertions.newConnections(spans)).isEqualTo(server.accepted());
		}
	}

	@Test
	void concurrentHttpsCallsOpenAsManyConnectionsAsTheirSpansSayEachWithItsHandshake() throws Exception {
		try (CountingServer server = CountingServer.https();
				ConfigurableApplicationContext context = ServletApp.start(trusting(server))) {
			RestClient client = context.getBean(RestClient.Builder.class).build();
			String url = server.url("/").replace("127.0.0.1", "localhost");
			assertThat(Callers.run(8, 40, () -> client.get().uri(url).retrieve().body(String.class)))
				.extracting(Callers.Outcome::value)
				.containsOnly("ok");
			List<MutableSpan> spans = context.getBean(CapturedSpans.class).client(40);
			assertThat(spans).hasSize(40);
			report("restclient https 8 threads", server, spans);
			assertThat(SpanAssertions.newConnections(spans)).isEqualTo(server.accepted());
			for (MutableSpan span : spans) {
				if (!SpanAssertions.reused(span)) {
					assertThat(SpanAssertions.millis(span, "conntrace.tls_ms")).isPositive();
					assertThat(span.tag("tls.protocol.version")).isNotNull();
				}
				else {
					assertThat(span.tag("conntrace.tls_ms")).isNull();
				}
			}
		}
	}

	@Test
	void aCallAfterAPauseReusesItsConnectionAndSaysHowLongItSatIdle() throws Exception {
		try (CountingServer server = CountingServer.http(); ConfigurableApplicationContext context = ServletApp.start()) {
			RestClient client = context.getBean(RestClient.Builder.class).build();
			CapturedSpans captured = context.getBean(CapturedSpans.class);
			assertThat(client.get().uri(server.url("/")).retrieve().body(String.class)).isEqualTo("ok");
			// The injected idle time, which the span must report: the connection went back as the call returned.
			Thread.sleep(400);
			assertThat(client.get().uri(server.url("/")).retrieve().body(String.class)).isEqualTo("ok");
			MutableSpan second = captured.client(2).get(1);
			assertThat(SpanAssertions.reused(second)).isTrue();
			assertThat(SpanAssertions.millis(second, "conntrace.connection.idle_ms")).isCloseTo(400, within(80.0));
			System.out.printf("restclient after a 400 ms pause: reused, idle_ms=%s%n", second.tag("conntrace.connection.idle_ms"));
			assertThat(server.accepted()).isEqualTo(1);
		}
	}

	@Test
	void maxConnectionsHoldsAtTheServer() throws Exception {
		try (CountingServer server = CountingServer.http();
				ConfigurableApplicationContext context = ServletApp.start("conntrace.pool.max-connections=2")) {
			RestClient client = context.getBean(RestClient.Builder.class).build();
			assertThat(Callers.run(8, 8, () -> client.get().uri(server.url("/slow?ms=300")).retrieve().body(String.class)))
				.extracting(Callers.Outcome::value)
				.containsOnly("slow");
			List<MutableSpan> spans = context.getBean(CapturedSpans.class).client(8);
			System.out.printf("restclient max-connections=2, 8 concurrent slow calls: %d sockets accepted%n",
					server.accepted());
			assertThat(server.accepted()).isLessThanOrEqualTo(2);
			assertThat(SpanAssertions.newConnections(spans)).isEqualTo(server.accepted());
			// Six calls queued for a connection: their wait is on their spans.
			assertThat(spans.stream().filter((span) -> SpanAssertions.millis(span, "conntrace.pool.wait_ms") > 100))
				.hasSizeGreaterThanOrEqualTo(4);
		}
	}

	@Test
	void anHttpServiceClientAndARestTemplateCarryTheFactsToo() throws Exception {
		try (CountingServer server = CountingServer.http();
				ConfigurableApplicationContext context = ServletApp
					.start("spring.http.serviceclient.counting.base-url=" + server.url(""))) {
			CountingService service = context.getBean(CountingService.class);
			RestTemplate template = context.getBean(RestTemplateBuilder.class).build();
			for (int i = 0; i < 10; i++) {
				assertThat(service.root()).isEqualTo("ok");
				assertThat(template.getForObject(server.url("/"), String.class)).isEqualTo("ok");
			}
			List<MutableSpan> spans = context.getBean(CapturedSpans.class).client(20);
			assertThat(spans).hasSize(20);
			report("service interface and resttemplate", server, spans);
			assertThat(spans).allSatisfy((span) -> assertThat(span.tag("conntrace.connection.id")).isNotNull());
			assertThat(SpanAssertions.newConnections(spans)).isEqualTo(server.accepted());
		}
	}

	/**
	 * Reactor Netty keys its pools on a client's settings and hooks: conntrace gives every client it builds the same
	 * hooks and Boot's event loops, so Boot's WebClient and each RestClient (each with an HttpClient of its own)
	 * share one pool to a server and its limits, as they share Reactor Netty's global pool without conntrace.
	 */
	@Test
	void webClientAndRestClientsShareTheirConnectionsToAServer() throws Exception {
		try (CountingServer server = CountingServer.http(); ConfigurableApplicationContext context = ServletApp.start()) {
			RestClient first = context.getBean(RestClient.Builder.class).build();
			RestClient second = context.getBean(RestClient.Builder.class).build();
			WebClient webClient = context.getBean(WebClient.Builder.class).build();
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			for (int i = 0; i < 2; i++) {
				assertThat(first.get().uri(server.url("/")).retrieve().body(String.class)).isEqualTo("ok");
				awaitIdle(registry);
				assertThat(webClient.get().uri(server.url("/")).retrieve().bodyToMono(String.class).block())
					.isEqualTo("ok");
				awaitIdle(registry);
				assertThat(second.get().uri(server.url("/")).retrieve().body(String.class)).isEqualTo("ok");
				awaitIdle(registry);
			}
			List<MutableSpan> spans = context.getBean(CapturedSpans.class).client(6);
			report("webclient and restclient alternating", server, spans);
			assertThat(server.accepted()).isEqualTo(1);
			assertThat(spans).extracting((span) -> span.tag("conntrace.connection.id")).containsOnly(
					spans.get(0).tag("conntrace.connection.id"));
		}
	}

	/** The connection back in the pool: release is asynchronous. */
	private static void awaitIdle(MeterRegistry registry) {
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> TracedApplications.idleConnections(registry) == 1);
	}

	private static void report(String mode, CountingServer server, List<MutableSpan> spans) {
		System.out.printf("%s: %d spans, %d say reused=false, server accepted %d%n", mode, spans.size(),
				SpanAssertions.newConnections(spans), server.accepted());
	}

	/** Trusts a TLS server's self-signed certificate as a user would: an SSL bundle. */
	static String[] trusting(CountingServer server) throws IOException {
		Path trusted = Files.createTempFile("servlet-tests-trust", ".pem");
		trusted.toFile().deleteOnExit();
		Files.writeString(trusted, Files.readString(server.certificate().toPath()));
		return new String[] { "spring.ssl.bundle.pem.test.truststore.certificate=file:" + trusted.toAbsolutePath(),
				"spring.http.clients.ssl.bundle=test" };
	}

}
