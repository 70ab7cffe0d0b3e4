package io.conntrace.autoconfigure.retry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import io.conntrace.testsupport.CountingServer;
import io.conntrace.testsupport.TracedContext;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeds 001 and 003 on HTTP/2: servers that close connections idle for 1 s, one client per server
 * pausing 994 to 1006 ms between requests, so streams keep opening on connections the server is closing.
 * One connection carries all of a server's streams, so the race needs a server per client. HTTP/2 has no
 * Keep-Alive header to learn the server's timeout from; conntrace's stale-connection retry is what saves
 * the request. Without conntrace about one request in ten fails here.
 */
class Http2StaleConnectionTests {

	private static final int SERVERS = 8;

	private static final int REQUESTS_PER_SERVER = 25;

	private static final int MAX_ROUNDS = 3;

	private final ApplicationContextRunner runner = TracedContext.runner().withConfiguration(TracedContext.METRICS);

	@ParameterizedTest(name = "tls={0}")
	@ValueSource(booleans = { false, true })
	void withoutConntraceSomeRequestsFail(boolean tls) throws Exception {
		try (Servers servers = new Servers(tls)) {
			TracedContext.http2(this.runner, tls).withPropertyValues("conntrace.enabled=false").run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).build();
				int failed = 0;
				int sent = 0;
				while (failed == 0 && sent < MAX_ROUNDS * servers.requests()) {
					failed += servers.race(client);
					sent += servers.requests();
				}
				report("conntrace off", tls, failed, sent);
				assertThat(failed).isPositive();
			});
		}
	}

	@ParameterizedTest(name = "tls={0}")
	@ValueSource(booleans = { false, true })
	void withConntraceDefaultsNoRequestFails(boolean tls) throws Exception {
		try (Servers servers = new Servers(tls)) {
			TracedContext.http2(this.runner, tls).run((context) -> {
				int failed = servers.race(context.getBean(WebClient.Builder.class).build());
				report("conntrace defaults", tls, failed, servers.requests());
				assertThat(failed).isZero();
				// The race happened: streams met closing connections and were sent again. The server's idle close
				// sends GOAWAY first, so most are streams it never processed rather than stale connections.
				List<String> retried = context.getBean(MeterRegistry.class)
					.find("conntrace.retries")
					.counters()
					.stream()
					.map((counter) -> counter.getId().getTag("cause") + "=" + (long) counter.count())
					.toList();
				System.out.printf("stale http2 %s: conntrace.retries %s%n", tls ? "h2" : "h2c", retried);
				assertThat(retried).isNotEmpty();
			});
		}
	}

	private static void report(String mode, boolean tls, int failed, int sent) {
		System.out.printf("stale http2 %s %s: failed %d / %d%n", mode, tls ? "h2" : "h2c", failed, sent);
	}

	private static final class Servers implements AutoCloseable {

		private final List<CountingServer> servers = new ArrayList<>();

		Servers(boolean tls) throws Exception {
			for (int i = 0; i < SERVERS; i++) {
				this.servers.add(CountingServer.http2ClosingIdleAfter(tls, Duration.ofSeconds(1)));
			}
		}

		int requests() {
			return SERVERS * REQUESTS_PER_SERVER;
		}

		/** One client per server, each pausing about the server's idle timeout; returns how many failed. */
		int race(WebClient client) {
			AtomicInteger failed = new AtomicInteger();
			Random random = new Random(42);
			Flux.fromIterable(this.servers)
				.flatMap((server) -> Flux.range(0, REQUESTS_PER_SERVER)
					.concatMap((i) -> Mono.delay(Duration.ofMillis((i == 0) ? 0 : 994 + random.nextInt(13)))
						.then(client.get().uri(server.url("/")).retrieve().bodyToMono(String.class))
						// Only a connection closed under the request counts; any other error fails the test.
						.onErrorResume((ex) -> ex instanceof WebClientRequestException
								&& ex.getCause() instanceof java.io.IOException, (ex) -> {
									failed.incrementAndGet();
									return Mono.empty();
								})), SERVERS)
				.blockLast(Duration.ofSeconds(90));
			return failed.get();
		}

		@Override
		public void close() {
			this.servers.forEach(CountingServer::close);
		}

	}

}
