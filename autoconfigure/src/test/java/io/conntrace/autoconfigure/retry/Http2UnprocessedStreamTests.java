package io.conntrace.autoconfigure.retry;

import java.time.Duration;
import java.util.List;

import brave.handler.MutableSpan;
import io.conntrace.testsupport.RawHttp2Server;
import io.conntrace.testsupport.TracedContext;
import io.conntrace.testsupport.TracedContext.CapturedSpans;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP/2 streams the server says it never processed (GOAWAY with a lower last-stream id, RST_STREAM
 * REFUSED_STREAM) are sent again on a new connection whatever their method, and each request reaches the server
 * once; a request the server processed before it dropped the connection is not sent again. Boot's WebClient on
 * h2c, conntrace's defaults, against a server whose frames the test sets ({@link RawHttp2Server}).
 */
class Http2UnprocessedStreamTests {

	private final ApplicationContextRunner runner = TracedContext
		.http2(TracedContext.runner().withConfiguration(TracedContext.METRICS), false);

	@Test
	void streamsAboveAGoAwaysLastStreamAreSentAgainPostsIncludedAndNoneTwice() throws Exception {
		try (RawHttp2Server server = new RawHttp2Server(RawHttp2Server.Mode.GOAWAY, 6)) {
			this.runner.run((context) -> {
				List<String> outcomes = sendAtOnce(context, server, 6);
				assertThat(outcomes).containsOnly("ok");
				for (int i = 0; i < 6; i++) {
					assertThat(server.processed("r" + i)).as("r" + i).isEqualTo(1);
				}
				assertThat(server.accepted()).isEqualTo(2);
				assertThat(retries(context, "goaway")).isEqualTo(3);
				List<MutableSpan> retried = retriedSpans(context, 6);
				System.out.printf("http2 goaway: 6 sent at once, 3 above the last stream sent again (%d spans say "
						+ "goaway), each processed once, %d sockets%n", retried.size(), server.accepted());
				assertThat(retried).hasSize(3)
					.allSatisfy((span) -> assertThat(span.tag("conntrace.retry")).isEqualTo("goaway"));
			});
		}
	}

	@Test
	void refusedStreamsAreSentAgainAndCounted() throws Exception {
		try (RawHttp2Server server = new RawHttp2Server(RawHttp2Server.Mode.REFUSE, 2)) {
			this.runner.run((context) -> {
				List<String> outcomes = sendAtOnce(context, server, 4);
				assertThat(outcomes).containsOnly("ok");
				assertThat(server.refused()).isEqualTo(2);
				for (int i = 0; i < 4; i++) {
					assertThat(server.processed("r" + i)).as("r" + i).isEqualTo(1);
				}
				assertThat(retries(context, "refused-stream")).isEqualTo(2);
				System.out.printf("http2 refused-stream: 4 sent, 2 refused and sent again, each processed once%n");
				assertThat(retriedSpans(context, 4)).hasSize(2)
					.allSatisfy((span) -> assertThat(span.tag("conntrace.retry")).isEqualTo("refused-stream"));
			});
		}
	}

	/**
	 * A server that drops a connection it held idle, without a word, takes a whole burst of streams with it: every
	 * stream of the burst met the connection as the first did, idle, so each GET is sent again; the POST, which the
	 * server might have processed for all the client knows, is not. The connection is counted stale once.
	 */
	@Test
	void aBurstOnAConnectionIdleBeforeItIsJudgedByThatIdleTime() throws Exception {
		try (RawHttp2Server server = new RawHttp2Server(RawHttp2Server.Mode.SILENT_CLOSE, 4)) {
			this.runner.run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).build();
				assertThat(Flux.range(0, 4)
					.flatMap((i) -> send(client, server, HttpMethod.GET, "first-" + i))
					.collectList()
					.block(Duration.ofSeconds(10))).containsOnly("ok");
				// The injected idle time before the second burst.
				Thread.sleep(200);
				List<String> outcomes = Flux.range(0, 4)
					.flatMap((i) -> send(client, server, (i == 3) ? HttpMethod.POST : HttpMethod.GET, "second-" + i)
						.onErrorResume(WebClientRequestException.class, (ex) -> Mono.just("failed")), 4)
					.collectList()
					.block(Duration.ofSeconds(10));
				assertThat(outcomes).containsExactlyInAnyOrder("ok", "ok", "ok", "failed");
				assertThat(server.processed("second-3")).isZero();
				for (int i = 0; i < 3; i++) {
					assertThat(server.processed("second-" + i)).isEqualTo(1);
				}
				assertThat(retries(context, "stale-connection")).isEqualTo(3);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.find("conntrace.stale.connections")
					.counters()
					.stream()
					.mapToDouble(Counter::count)
					.sum()).isEqualTo(1);
				System.out.printf("http2 silent close of an idle connection: a burst of 3 GETs and a POST, the GETs "
						+ "sent again, the POST not, %d sockets%n", server.accepted());
			});
		}
	}

	@Test
	void aPostTheServerProcessedBeforeDroppingTheConnectionIsNotSentAgain() throws Exception {
		try (RawHttp2Server server = new RawHttp2Server(RawHttp2Server.Mode.PROCESS_THEN_DROP, 1)) {
			this.runner.run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).build();
				Throwable failure = send(client, server, HttpMethod.POST, "r0")
					.map((body) -> (Throwable) null)
					.onErrorResume(Mono::just)
					.block(Duration.ofSeconds(10));
				assertThat(failure).isInstanceOf(WebClientRequestException.class);
				assertThat(server.processed("r0")).isEqualTo(1);
				assertThat(server.accepted()).isEqualTo(1);
				assertThat(context.getBean(MeterRegistry.class).find("conntrace.retries").counter()).isNull();
			});
		}
	}

	/** Half GETs, half POSTs without a body, all at once: one connection carries them as streams. */
	private static List<String> sendAtOnce(AssertableApplicationContext context, RawHttp2Server server, int count) {
		WebClient client = context.getBean(WebClient.Builder.class).build();
		return Flux.range(0, count)
			.flatMap((i) -> send(client, server, (i % 2 == 0) ? HttpMethod.GET : HttpMethod.POST, "r" + i)
				.onErrorResume((ex) -> Mono.just(ex.toString())), count)
			.collectList()
			.block(Duration.ofSeconds(20));
	}

	private static Mono<String> send(WebClient client, RawHttp2Server server, HttpMethod method, String request) {
		return client.method(method)
			.uri(server.url("/"))
			.header("x-request", request)
			.retrieve()
			.bodyToMono(String.class);
	}

	private static double retries(AssertableApplicationContext context, String cause) {
		Counter counter = context.getBean(MeterRegistry.class).find("conntrace.retries").tag("cause", cause).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private static List<MutableSpan> retriedSpans(AssertableApplicationContext context, int expected) {
		CapturedSpans spans = context.getBean(CapturedSpans.class);
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> spans.client().size() >= expected);
		return spans.client().stream().filter((span) -> span.tag("conntrace.retry") != null).toList();
	}

}
