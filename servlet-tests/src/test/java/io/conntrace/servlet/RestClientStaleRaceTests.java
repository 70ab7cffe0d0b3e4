package io.conntrace.servlet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.conntrace.testsupport.CountingServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stale keep-alive race through Boot's RestClient: servers close connections idle for 1 s (and say so in
 * {@code Keep-Alive: timeout=1}), callers pause about 1 s between calls, so a connection is often handed out just
 * as its server closes it. Without conntrace some calls fail; with its defaults none.
 */
class RestClientStaleRaceTests {

	private static final int CALLERS = 16;

	private static final int CALLS = 400;

	/** A round without conntrace runs this many servers at once, to see the race within a few rounds. */
	private static final int SERVERS_WITHOUT_CONNTRACE = 4;

	private static final int MAX_ROUNDS = 4;

	@Test
	void withoutConntraceSomeCallsFail() throws Exception {
		List<CountingServer> servers = new ArrayList<>();
		try {
			for (int i = 0; i < SERVERS_WITHOUT_CONNTRACE; i++) {
				servers.add(CountingServer.httpClosingIdleAfter(Duration.ofSeconds(1)));
			}
			try (ConfigurableApplicationContext context = ServletApp.start("conntrace.enabled=false")) {
				RestClient client = context.getBean(RestClient.Builder.class).build();
				int failed = 0;
				int sent = 0;
				while (failed == 0 && sent < MAX_ROUNDS * CALLS * servers.size()) {
					failed += race(client, servers);
					sent += CALLS * servers.size();
				}
				System.out.printf("stale keep-alive restclient, conntrace off: failed %d / %d%n", failed, sent);
				assertThat(failed).isPositive();
			}
		}
		finally {
			servers.forEach(CountingServer::close);
		}
	}

	@Test
	void withConntraceDefaultsNoCallFails() throws Exception {
		try (CountingServer server = CountingServer.httpClosingIdleAfter(Duration.ofSeconds(1));
				ConfigurableApplicationContext context = ServletApp.start()) {
			RestClient client = context.getBean(RestClient.Builder.class).build();
			int failed = race(client, List.of(server));
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			System.out.printf("stale keep-alive restclient, conntrace defaults: failed %d / %d; "
					+ "conntrace.stale.connections evicted=%.0f retried=%.0f%n", failed, CALLS, count(registry, "evicted"),
					count(registry, "retried"));
			assertThat(failed).isZero();
			// The server's announced timeout, not a lucky run: idle connections it was about to close were evicted.
			assertThat(count(registry, "evicted")).isPositive();
		}
	}

	/**
	 * {@value #CALLERS} callers per server, {@value #CALLS} calls in all per server, each caller pausing 994 to 1006 ms
	 * between its calls; returns how many failed because a connection closed under them.
	 */
	private static int race(RestClient client, List<CountingServer> servers) throws Exception {
		AtomicInteger failed = new AtomicInteger();
		ExecutorService callers = Executors.newFixedThreadPool(CALLERS * servers.size());
		try {
			List<Future<?>> running = new ArrayList<>();
			for (CountingServer server : servers) {
				for (int c = 0; c < CALLERS; c++) {
					Random random = new Random(42 + c);
					running.add(callers.submit(() -> {
						for (int i = 0; i < CALLS / CALLERS; i++) {
							if (i > 0) {
								pause(994 + random.nextInt(13));
							}
							try {
								client.get().uri(server.url("/")).retrieve().body(String.class);
							}
							catch (ResourceAccessException ex) {
								// Only a connection closed under the call counts; any other error fails the test.
								if (!(ex.getCause() instanceof java.io.IOException)) {
									throw ex;
								}
								failed.incrementAndGet();
							}
						}
						return null;
					}));
				}
			}
			for (Future<?> caller : running) {
				caller.get(90, TimeUnit.SECONDS);
			}
		}
		finally {
			callers.shutdownNow();
		}
		return failed.get();
	}

	/** The callers' think time between calls: the race's shape, not a wait for something to happen. */
	private static void pause(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static double count(MeterRegistry registry, String action) {
		Counter counter = registry.find("conntrace.stale.connections").tag("action", action).counter();
		return (counter != null) ? counter.count() : 0;
	}

}
