package io.conntrace.autoconfigure.pool;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.conntrace.pool.PoolActivity;
import io.conntrace.pool.PoolEvent;
import io.conntrace.testsupport.CountingServer;
import io.conntrace.testsupport.TracedContext;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.MapPropertySource;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A request turned away by a full pool keeps its error and gains the facts: server, pool, limits in
 * force and how much of each is used, how long it waited, the property to raise. One WARN a minute per
 * server says the same with the requests holding the connections. Both ways a pool turns a request away:
 * its queue is full, or no connection frees in time.
 */
@ExtendWith(OutputCaptureExtension.class)
class PoolSaturationTests {

	@Test
	void fullQueueNamesServerPoolLimitsAndProperty(CapturedOutput output) throws Exception {
		try (CountingServer server = CountingServer.http()) {
			String remote = "127.0.0.1:" + server.port();
			TracedContext.runner()
				.withConfiguration(TracedContext.METRICS)
				.withPropertyValues("conntrace.pool.max-connections=1", "conntrace.pool.pending-acquire-max-count=1",
						"conntrace.pool.pending-acquire-timeout=5s")
				.run((context) -> {
					WebClient client = context.getBean(WebClient.Builder.class).build();
					Mono<String> holder = slow(client, server, 1500);
					awaitInUse(context, server);
					Mono<String> queued = slow(client, server, 10);
					awaitPending(context, server);
					WebClientRequestException first = rejected(client, server);
					WebClientRequestException second = rejected(client, server);
					// Reactor Netty's own error, unchanged.
					assertThat(first.getMessage()).contains("Pending acquire queue has reached its maximum size of 1");
					String facts = suppressed(first);
					System.out.println("saturation, queue full: " + facts);
					assertThat(facts).contains("the pool 'conntrace' for " + remote + " is full")
						.contains("pending-acquire queue was full")
						.contains("max-connections 1 (1 in use or opening)")
						.contains("pending 1 of at most 1")
						.contains("Raise conntrace.pool.hosts.[" + remote + "].max-connections")
						.contains("conntrace.pool.pending-acquire-max-count");
					assertThat(suppressed(second)).contains("is full");
					assertThat(holder.block(Duration.ofSeconds(10))).isEqualTo("slow");
					assertThat(queued.block(Duration.ofSeconds(10))).isEqualTo("slow");
					// One warning for the two failures, naming what held the connection.
					List<String> warnings = warnings(output, remote);
					System.out.println("saturation warning: " + warnings);
					assertThat(warnings).hasSize(1);
					// Paths only where they are always shown: the default shows the method.
					assertThat(warnings.get(0)).contains("Held longest by: GET ****** (")
						.contains("management.endpoint.conntrace.show-values=always")
						.doesNotContain("/slow");
					List<PoolEvent> events = context.getBean(PoolActivity.class)
						.server("127.0.0.1", server.port())
						.events();
					assertThat(events).filteredOn((event) -> event.type().equals("acquire-rejected")).hasSize(2);
				});
		}
	}

	@Test
	void acquireTimeoutSaysHowLongTheRequestWaited(CapturedOutput output) throws Exception {
		try (CountingServer server = CountingServer.http()) {
			String remote = "127.0.0.1:" + server.port();
			TracedContext.runner()
				.withConfiguration(TracedContext.METRICS)
				// A property source, not withPropertyValues, which would split the key at its ':'.
				.withPropertyValues("management.endpoint.conntrace.show-values=always")
				.withInitializer((context) -> context.getEnvironment()
					.getPropertySources()
					.addFirst(new MapPropertySource("hosts",
							Map.of("conntrace.pool.hosts.[" + remote + "].max-connections", "1",
									"conntrace.pool.hosts.[" + remote + "].pending-acquire-timeout", "300ms"))))
				.run((context) -> {
					WebClient client = context.getBean(WebClient.Builder.class).build();
					Mono<String> holder = slow(client, server, 1500);
					awaitInUse(context, server);
					long start = System.nanoTime();
					WebClientRequestException timedOut = rejected(client, server);
					long waited = Duration.ofNanos(System.nanoTime() - start).toMillis();
					String facts = suppressed(timedOut);
					System.out.println("saturation, acquire timeout: " + facts);
					assertThat(facts).contains("the pool 'conntrace' for " + remote + " is full")
						.contains("no connection came free within the pending-acquire-timeout")
						.contains("max-connections 1 (1 in use or opening)")
						.contains("pending-acquire-timeout 300 ms")
						.contains("conntrace.pool.hosts.[" + remote + "].pending-acquire-timeout");
					long reported = Long.parseLong(facts.replaceAll(".*this request waited (\\d+) ms.*", "$1"));
					assertThat(reported).isBetween(290L, waited);
					assertThat(holder.block(Duration.ofSeconds(10))).isEqualTo("slow");
					assertThat(warnings(output, remote)).singleElement()
						.asString()
						.contains("Held longest by: GET /slow (")
						.doesNotContain("ms=1500");
				});
		}
	}

	@Test
	void aPoolConntraceDidNotBuildIsNotDescribedWithConntracesLimits() throws Exception {
		try (CountingServer server = CountingServer.http()) {
			TracedContext.runner().run((context) -> {
				ConnectionProvider own = ConnectionProvider.builder("own").maxConnections(1).pendingAcquireMaxCount(1).build();
				try {
					WebClient client = context.getBean(WebClient.Builder.class)
						.clone()
						.clientConnector(new ReactorClientHttpConnector(HttpClient.create(own)))
						.build();
					Mono<String> holder = slow(client, server, 800);
					Mono<String> queued = slow(client, server, 10);
					Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> server.accepted() == 1);
					WebClientRequestException rejected = catchThrowableOfType(WebClientRequestException.class,
							() -> Mono.delay(Duration.ofMillis(100))
								.then(client.get().uri(server.url("/")).retrieve().bodyToMono(String.class))
								.block(Duration.ofSeconds(10)));
					assertThat(rejected.getMessage()).contains("maximum size of 1");
					assertThat(rejected.getSuppressed()).extracting(Throwable::getMessage)
						.noneMatch((message) -> message.startsWith("conntrace: the pool"));
					holder.block(Duration.ofSeconds(10));
					queued.block(Duration.ofSeconds(10));
				}
				finally {
					own.disposeLater().block(Duration.ofSeconds(10));
				}
			});
		}
	}

	private static Mono<String> slow(WebClient client, CountingServer server, long millis) {
		Mono<String> request = client.get().uri(server.url("/slow?ms=" + millis)).retrieve().bodyToMono(String.class)
			.cache();
		request.subscribe();
		return request;
	}

	private static WebClientRequestException rejected(WebClient client, CountingServer server) {
		return catchThrowableOfType(WebClientRequestException.class,
				() -> client.get().uri(server.url("/")).retrieve().bodyToMono(String.class).block(Duration.ofSeconds(10)));
	}

	private static String suppressed(Throwable error) {
		return Arrays.stream(error.getSuppressed())
			.map(Throwable::getMessage)
			.filter((message) -> message.startsWith("conntrace: the pool"))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no pool facts on " + error));
	}

	private static List<String> warnings(CapturedOutput output, String remote) {
		return output.getAll()
			.lines()
			.filter((line) -> line.contains("WARN") && line.contains("for " + remote + " is full"))
			.toList();
	}

	private static void awaitInUse(AssertableApplicationContext context, CountingServer server) {
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> {
			var activity = context.getBean(PoolActivity.class).server("127.0.0.1", server.port());
			return activity != null && activity.connectionPool("conntrace") != null
					&& activity.connectionPool("conntrace").acquiredSize() == 1;
		});
	}

	private static void awaitPending(AssertableApplicationContext context, CountingServer server) {
		Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.until(() -> context.getBean(PoolActivity.class)
				.server("127.0.0.1", server.port())
				.connectionPool("conntrace")
				.pendingAcquireSize() == 1);
	}

}
