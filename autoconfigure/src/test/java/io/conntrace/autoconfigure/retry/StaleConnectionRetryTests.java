package io.conntrace.autoconfigure.retry;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import brave.handler.MutableSpan;
import io.conntrace.testsupport.CountingServer;
import io.conntrace.testsupport.TracedApplications;
import io.conntrace.testsupport.TracedContext;
import io.conntrace.trace.RequestFailureDescriber;
import io.micrometer.core.instrument.MeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.netty.http.HttpProtocol;

import org.springframework.boot.http.client.autoconfigure.reactive.ClientHttpConnectorBuilderCustomizer;
import org.springframework.boot.http.client.reactive.ReactorClientHttpConnectorBuilder;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The stale-connection race made deterministic: the server closes a connection when the second
 * request arrives on it, before any response byte. What is retried, what is not, and what the span,
 * the error and the counter say.
 */
class StaleConnectionRetryTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final ApplicationContextRunner runner = TracedContext.runner().withConfiguration(TracedContext.METRICS);

	/** The same application with Boot's WebClient switched to h2c, as a user does it. */
	private final ApplicationContextRunner h2cRunner = this.runner.withBean("h2c",
			ClientHttpConnectorBuilderCustomizer.class, StaleConnectionRetryTests::h2c);

	@Test
	void idempotentRequestOnAStaleConnectionIsSentAgainOnANewOne() throws Exception {
		try (CountingServer server = CountingServer.http()) {
			this.runner.run((context) -> {
				WebClient client = client(context);
				assertThat(send(client, HttpMethod.GET, server.url("/close-second"), null)).isEqualTo("ok");
				awaitIdle(server);
				assertThat(send(client, HttpMethod.GET, server.url("/close-second"), null)).isEqualTo("ok");
				assertThat(server.accepted()).isEqualTo(2);
				List<MutableSpan> spans = spans(context, 2);
				MutableSpan retried = spans.get(1);
				String firstId = spans.get(0).tag("conntrace.connection.id");
				assertThat(retried.tags()).containsEntry("conntrace.retry", "stale-connection")
					.containsEntry("conntrace.retry.first_connection.id", firstId)
					.containsKey("conntrace.retry.first_connection.idle_ms")
					.containsEntry("conntrace.connection.reused", "false")
					.containsEntry("conntrace.connection.requests", "1");
				assertThat(retried.tag("conntrace.connection.id")).isNotEqualTo(firstId);
				// The stale attempt's idle time is under conntrace.retry.*, not left among the retry's own facts.
				assertThat(retried.tags()).doesNotContainKeys("conntrace.connection.idle_ms", "conntrace.connection.age_ms");
				assertThat(retried.annotations().stream().map(java.util.Map.Entry::getValue)).contains("conntrace.retry");
				assertThat(stale(context, "retried")).isEqualTo(1);
			});
		}
	}

	/**
	 * A filter the application adds after Boot's customizers sits inside the retry and runs again with it: one
	 * that throws then must fail the caller with its error, not leave it waiting.
	 */
	@Test
	void aFilterThatThrowsOnTheRetryFailsTheCaller() throws Exception {
		AtomicInteger exchanges = new AtomicInteger();
		try (CountingServer server = CountingServer.http()) {
			this.runner.run((context) -> {
				WebClient client = client(context).mutate().filter((request, next) -> {
					if (exchanges.incrementAndGet() == 3) {
						throw new IllegalStateException("a filter that fails the retry");
					}
					return next.exchange(request);
				}).build();
				assertThat(send(client, HttpMethod.GET, server.url("/close-second"), null)).isEqualTo("ok");
				awaitIdle(server);
				assertThatThrownBy(() -> send(client, HttpMethod.GET, server.url("/close-second"), null))
					.hasMessageContaining("a filter that fails the retry");
				assertThat(exchanges).hasValue(3);
			});
		}
	}

	@Test
	void postIsNotSentAgainAndItsErrorNamesTheConnection() throws Exception {
		assertNotRetried(HttpMethod.POST, null, "/close-second");
	}

	@Test
	void putWithABodyIsNotSentAgainByDefault() throws Exception {
		assertNotRetried(HttpMethod.PUT, "payload", "/echo-body");
	}

	@Test
	void putWithABodyIsSentAgainWhenReplayIsAllowed() throws Exception {
		try (CountingServer server = CountingServer.http()) {
			this.runner.withPropertyValues("conntrace.retry.replay-body=true").run((context) -> {
				WebClient client = client(context);
				assertThat(send(client, HttpMethod.PUT, server.url("/echo-body"), "one")).isEqualTo("one");
				awaitIdle(server);
				assertThat(send(client, HttpMethod.PUT, server.url("/echo-body"), "two")).isEqualTo("two");
				assertThat(stale(context, "retried")).isEqualTo(1);
			});
		}
	}

	@Test
	void postWithAnIdempotencyKeyIsSentAgain() throws Exception {
		try (CountingServer server = CountingServer.http()) {
			this.runner.run((context) -> {
				WebClient client = client(context);
				client.post().uri(server.url("/close-second")).retrieve().bodyToMono(String.class).block(TIMEOUT);
				awaitIdle(server);
				String body = client.post()
					.uri(server.url("/close-second"))
					.header("Idempotency-Key", "order-42")
					.retrieve()
					.bodyToMono(String.class)
					.block(TIMEOUT);
				assertThat(body).isEqualTo("ok");
				assertThat(stale(context, "retried")).isEqualTo(1);
			});
		}
	}

	@Test
	void anOuterFilterThatSendsAPostAgainGetsTheFactsOfItsOwnAttempt() throws Exception {
		try (CountingServer server = CountingServer.http()) {
			this.runner.run((context) -> {
				// The application's own retry, outside conntrace's filter: it subscribes the exchange again.
				WebClient client = context.getBean(WebClient.Builder.class)
					.filters((filters) -> filters.add(0, (request, next) -> next.exchange(request).retry(1)))
					.build();
				assertThat(send(client, HttpMethod.POST, server.url("/close-second"), null)).isEqualTo("ok");
				awaitIdle(server);
				assertThat(send(client, HttpMethod.POST, server.url("/close-second"), null)).isEqualTo("ok");
				assertThat(server.accepted()).isEqualTo(2);
				// conntrace judged the first attempt (a POST: not its to repeat), the application's retry sent it.
				assertThat(stale(context, "failed")).isEqualTo(1);
				MutableSpan second = spans(context, 2).get(1);
				assertThat(second.tags()).containsEntry("conntrace.connection.reused", "false")
					.containsEntry("conntrace.connection.requests", "1")
					.doesNotContainKey("conntrace.retry");
			});
		}
	}

	@Test
	void anOuterFilterThatSendsAgainAfterASuccessGetsItsOwnRecord() throws Exception {
		try (CountingServer server = CountingServer.http()) {
			this.runner.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				// The application's own filter, outside conntrace's: after a response it sends the request
				// again under the same observation, once the first connection is back in the pool. The first
				// record stays on the observation (a success does not take it off), so the second attempt's
				// must be found first: only with its own record is the second request's stale connection
				// seen and the request sent again.
				WebClient client = context.getBean(WebClient.Builder.class)
					.filters((filters) -> filters.add(0, (request, next) -> next.exchange(request)
						.flatMap((first) -> first.releaseBody()
							.then(Flux.interval(Duration.ofMillis(10))
								.filter((tick) -> TracedApplications.idleConnections(registry) == 1)
								.next())
							.then(next.exchange(request)))))
					.build();
				assertThat(send(client, HttpMethod.GET, server.url("/close-second"), null)).isEqualTo("ok");
				assertThat(server.accepted()).isEqualTo(2);
				assertThat(stale(context, "retried")).isEqualTo(1);
			});
		}
	}

	@Test
	void everyFailureDescriberRunsOnTheFinalFailureAndOneThatThrowsCostsTheCallerNothing() throws Exception {
		RequestFailureDescriber throwing = (url, failure, start) -> {
			throw new IllegalStateException("a broken describer");
		};
		RequestFailureDescriber naming = (url, failure, start) -> failure
			.addSuppressed(new IllegalStateException("described: " + url.getPath()));
		try (CountingServer server = CountingServer.http()) {
			this.runner.withBean("throwing", RequestFailureDescriber.class, () -> throwing)
				.withBean("naming", RequestFailureDescriber.class, () -> naming)
				.run((context) -> {
					WebClientRequestException failure = catchThrowableOfType(WebClientRequestException.class,
							() -> send(client(context), HttpMethod.GET, server.url("/close-always"), null));
					assertThat(failure).isNotNull();
					assertThat(Arrays.stream(failure.getSuppressed()).map(Throwable::getMessage))
						.contains("described: /close-always")
						.noneMatch((message) -> message.contains("a broken describer"));
				});
		}
	}

	@Test
	void requestOnANewConnectionIsNeverSentAgain() throws Exception {
		try (CountingServer server = CountingServer.http()) {
			this.runner.run((context) -> {
				assertThatThrownBy(() -> send(client(context), HttpMethod.GET, server.url("/close-always"), null))
					.isInstanceOf(WebClientRequestException.class);
				assertThat(server.accepted()).isEqualTo(1);
				assertThat(context.getBean(MeterRegistry.class).find("conntrace.stale.connections").counters()).isEmpty();
			});
		}
	}

	@Test
	void requestWhoseResponseHadStartedIsNeverSentAgain() throws Exception {
		try (CountingServer server = CountingServer.http()) {
			this.runner.run((context) -> {
				WebClient client = client(context);
				send(client, HttpMethod.GET, server.url("/close-during-second"), null);
				awaitIdle(server);
				assertThatThrownBy(() -> send(client, HttpMethod.GET, server.url("/close-during-second"), null))
					.isNotNull();
				assertThat(server.accepted()).isEqualTo(1);
				assertThat(context.getBean(MeterRegistry.class).find("conntrace.stale.connections").counters()).isEmpty();
			});
		}
	}

	@Test
	void http2StreamOnAStaleConnectionIsSentAgainOnANewOne() throws Exception {
		try (CountingServer server = CountingServer.http2(false)) {
			this.h2cRunner.run((context) -> {
				WebClient client = client(context);
				send(client, HttpMethod.GET, server.url("/close-second"), null);
				awaitNoOpenStream(context);
				// The server closes the socket when the second stream arrives: sent again, on a new one.
				assertThat(send(client, HttpMethod.GET, server.url("/close-second"), null)).isEqualTo("ok");
				assertThat(server.accepted()).isEqualTo(2);
				assertThat(stale(context, "retried")).isEqualTo(1);
				MutableSpan retried = spans(context, 2).get(1);
				assertThat(retried.tag("conntrace.retry")).isEqualTo("stale-connection");
				assertThat(retried.tag("conntrace.connection.reused")).isEqualTo("false");
				assertThat(retried.tag("network.protocol.version")).isEqualTo("2");
			});
		}
	}

	@Test
	void http2StreamWhoseResponseHadStartedIsNeverSentAgain() throws Exception {
		try (CountingServer server = CountingServer.http2(false)) {
			this.h2cRunner.run((context) -> {
				WebClient client = client(context);
				send(client, HttpMethod.GET, server.url("/close-during-second"), null);
				awaitNoOpenStream(context);
				Throwable failure = catchThrowable(
						() -> send(client, HttpMethod.GET, server.url("/close-during-second"), null));
				assertThat(failure).isNotNull();
				assertThat(server.accepted()).isEqualTo(1);
				assertThat(context.getBean(MeterRegistry.class).find("conntrace.stale.connections").counters())
					.isEmpty();
			});
		}
	}

	/** A stream closes after its response: the next one must find the connection idle, as a stale one is. */
	private static void awaitNoOpenStream(AssertableApplicationContext context) {
		MeterRegistry meters = context.getBean(MeterRegistry.class);
		Awaitility.await()
			.atMost(TIMEOUT)
			.until(() -> meters.find("reactor.netty.connection.provider.active.streams").gauge() != null
					&& meters.get("reactor.netty.connection.provider.active.streams").gauge().value() == 0);
	}

	private static ClientHttpConnectorBuilderCustomizer<ReactorClientHttpConnectorBuilder> h2c() {
		return (builder) -> builder.withHttpClientCustomizer((client) -> client.protocol(HttpProtocol.H2C));
	}

	@Test
	void retryCanBeTurnedOff() throws Exception {
		try (CountingServer server = CountingServer.http()) {
			this.runner.withPropertyValues("conntrace.retry.enabled=false").run((context) -> {
				WebClient client = client(context);
				send(client, HttpMethod.GET, server.url("/close-second"), null);
				awaitIdle(server);
				assertThatThrownBy(() -> send(client, HttpMethod.GET, server.url("/close-second"), null))
					.isInstanceOf(WebClientRequestException.class);
				assertThat(server.accepted()).isEqualTo(1);
				assertThat(stale(context, "failed")).isEqualTo(1);
			});
		}
	}

	private void assertNotRetried(HttpMethod method, String body, String path) throws Exception {
		try (CountingServer server = CountingServer.http()) {
			this.runner.run((context) -> {
				WebClient client = client(context);
				send(client, method, server.url(path), body);
				awaitIdle(server);
				WebClientRequestException failure = catchThrowableOfType(WebClientRequestException.class,
						() -> send(client, method, server.url(path), body));
				assertThat(failure).isNotNull();
				assertThat(server.accepted()).isEqualTo(1);
				assertThat(Arrays.stream(failure.getSuppressed()).map(Throwable::getMessage))
					.anySatisfy((message) -> assertThat(message).contains("ran on reused connection")
						.contains("ms before it")
						.contains("no response byte arrived"));
				assertThat(stale(context, "failed")).isEqualTo(1);
			});
		}
	}

	private static String send(WebClient client, HttpMethod method, String url, String body) {
		WebClient.RequestBodySpec spec = client.method(method).uri(url);
		return ((body != null) ? spec.bodyValue(body) : spec).retrieve().bodyToMono(String.class).block(TIMEOUT);
	}

	/** Release is asynchronous: the second request must find the first connection idle in the pool. */
	private static void awaitIdle(CountingServer server) {
		Awaitility.await().pollDelay(Duration.ofMillis(50)).atMost(TIMEOUT).until(() -> server.accepted() == 1);
	}

	private static WebClient client(AssertableApplicationContext context) {
		return context.getBean(WebClient.Builder.class).build();
	}

	private static double stale(AssertableApplicationContext context, String action) {
		return context.getBean(MeterRegistry.class).get("conntrace.stale.connections").tag("action", action).counter().count();
	}

	private static List<MutableSpan> spans(AssertableApplicationContext context, int expected) {
		TracedContext.CapturedSpans captured = context.getBean(TracedContext.CapturedSpans.class);
		Awaitility.await().atMost(TIMEOUT).until(() -> captured.client().size() >= expected);
		return captured.client();
	}

}
