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
 * The HTTP/2 burst race: a server closes connections idle for 1 s; 8 callers pause 994 to 1009 ms between their
 * requests, so each burst of 8 streams reaches the one connection about when the server closes it. Only the
 * burst's first stream finds the connection idle; the others must be judged by the idle time before the burst.
 * Five runs of 200 requests, each against a server of its own, at once.
 */
class Http2BurstRaceTests {

	private static final int RUNS = 5;

	private static final int CALLERS = 8;

	private static final int REQUESTS_PER_CALLER = 25;

	/**
	 * Pauses of 994 ms and up to this much more: the connection then sits idle past the server's second often
	 * enough for it to close connections in every run, some as a burst arrives.
	 */
	private static final int PAUSE_SPREAD_MS = 16;

	private final ApplicationContextRunner runner = TracedContext.runner().withConfiguration(TracedContext.METRICS);

	@ParameterizedTest(name = "tls={0}")
	@ValueSource(booleans = { false, true })
	void noStreamIsLostWithConntracesDefaults(boolean tls) throws Exception {
		List<CountingServer> servers = servers(tls);
		try {
			TracedContext.http2(this.runner, tls).run((context) -> {
				List<Integer> failed = race(context.getBean(WebClient.Builder.class).build(), servers);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				System.out.printf("http2 burst race %s, conntrace defaults: failed %s of %d each; sockets %s; retries %s%n",
						tls ? "h2" : "h2c", failed, CALLERS * REQUESTS_PER_CALLER, sockets(servers),
						registry.find("conntrace.retries")
							.counters()
							.stream()
							.map((counter) -> counter.getId().getTag("cause") + "=" + (long) counter.count())
							.toList());
				assertThat(failed).containsOnly(0);
				assertRaced(servers);
			});
		}
		finally {
			servers.forEach(CountingServer::close);
		}
	}

	@ParameterizedTest(name = "tls={0}")
	@ValueSource(booleans = { false, true })
	void withoutConntrace(boolean tls) throws Exception {
		List<CountingServer> servers = servers(tls);
		try {
			TracedContext.http2(this.runner, tls).withPropertyValues("conntrace.enabled=false").run((context) -> {
				List<Integer> failed = race(context.getBean(WebClient.Builder.class).build(), servers);
				// The figures beside conntrace's: how many a run loses depends on how the closes fall on the bursts.
				System.out.printf("http2 burst race %s, conntrace off: failed %s of %d each; sockets %s%n",
						tls ? "h2" : "h2c", failed, CALLERS * REQUESTS_PER_CALLER, sockets(servers));
				assertRaced(servers);
			});
		}
		finally {
			servers.forEach(CountingServer::close);
		}
	}

	/** The race happened: servers closed idle connections under the callers, who had to open new ones. */
	private static void assertRaced(List<CountingServer> servers) {
		assertThat(servers.stream().mapToInt(CountingServer::accepted).sum()).isGreaterThan(servers.size());
	}

	private static List<Integer> sockets(List<CountingServer> servers) {
		return servers.stream().map(CountingServer::accepted).toList();
	}

	private static List<CountingServer> servers(boolean tls) throws Exception {
		List<CountingServer> servers = new ArrayList<>();
		for (int i = 0; i < RUNS; i++) {
			servers.add(CountingServer.http2ClosingIdleAfter(tls, Duration.ofSeconds(1)));
		}
		return servers;
	}

	/** Every run at once, a server each; returns how many requests of each run failed on a closed connection. */
	private static List<Integer> race(WebClient client, List<CountingServer> servers) {
		List<AtomicInteger> failed = servers.stream().map((server) -> new AtomicInteger()).toList();
		Flux.range(0, servers.size())
			.flatMap((run) -> Flux.range(0, CALLERS).flatMap((caller) -> {
				Random random = new Random(42 + caller);
				String url = servers.get(run).url("/");
				return Flux.range(0, REQUESTS_PER_CALLER)
					.concatMap((i) -> Mono.delay(Duration.ofMillis((i == 0) ? 0 : 994 + random.nextInt(PAUSE_SPREAD_MS)))
						.then(client.get().uri(url).retrieve().bodyToMono(String.class))
						// A request that failed to reach an answer counts; any other error fails the test.
						.onErrorResume(WebClientRequestException.class, (ex) -> {
									failed.get(run).incrementAndGet();
									return Mono.empty();
								}));
			}, CALLERS), servers.size())
			.blockLast(Duration.ofSeconds(90));
		return failed.stream().map(AtomicInteger::get).toList();
	}

}
