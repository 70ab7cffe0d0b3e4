package io.conntrace.autoconfigure.retry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import io.conntrace.testsupport.CountingServer;
import io.conntrace.testsupport.TracedContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The keep-alive race of seeds 001 and 003, measured: a server that closes connections idle for 1 s and
 * says so ({@code Keep-Alive: timeout=1}), clients each pausing 994 to 1006 ms between requests, so
 * requests keep landing on connections the server is closing. Without conntrace some fail (about 1 in
 * 200 to 1 in 400 over HTTP here, rarer over HTTPS: 1 in 1200 to 1 in 3200 in CI runs); so the run without
 * conntrace races eight servers at once, 16 clients each (Reactor Netty's default pool holds 16 connections a
 * server), in up to six rounds of 3200 until one request fails. With conntrace's defaults none may.
 */
class StaleKeepAliveTests {

	private static final int CLIENTS = 16;

	private static final int REQUESTS = 400;

	/** About 1 in 200 to 1 in 400 fail here: six rounds leave well under a 1% chance of none. */
	private static final int MAX_ROUNDS = 6;

	private static final int SERVERS_WITHOUT_CONNTRACE = 8;

	private final ApplicationContextRunner runner = TracedContext.runner()
		.withConfiguration(TracedContext.METRICS)
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class));

	@ParameterizedTest(name = "tls={0}")
	@ValueSource(booleans = { false, true })
	void withoutConntraceSomeRequestsFail(boolean tls) throws Exception {
		List<CountingServer> servers = new ArrayList<>();
		try {
			for (int i = 0; i < SERVERS_WITHOUT_CONNTRACE; i++) {
				servers.add(server(tls));
			}
			List<String> urls = servers.stream().map(StaleKeepAliveTests::url).toList();
			trusting(servers).withPropertyValues("conntrace.enabled=false").run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).build();
				int failed = 0;
				int sent = 0;
				while (failed == 0 && sent < MAX_ROUNDS * REQUESTS * urls.size()) {
					failed += race(client, urls);
					sent += REQUESTS * urls.size();
				}
				report("conntrace off", tls, failed, sent);
				assertThat(failed).isPositive();
			});
		}
		finally {
			for (CountingServer server : servers) {
				server.close();
			}
		}
	}

	@ParameterizedTest(name = "tls={0}")
	@ValueSource(booleans = { false, true })
	void withConntraceDefaultsNoRequestFails(boolean tls) throws Exception {
		try (CountingServer server = server(tls)) {
			trusting(List.of(server)).run((context) -> {
				int failed = race(context.getBean(WebClient.Builder.class).build(), List.of(url(server)));
				report("conntrace defaults", tls, failed, REQUESTS);
				assertThat(failed).isZero();
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				// The server's timeout, not a lucky run: idle connections it was about to close were evicted.
				assertThat(registry.get("conntrace.stale.connections").tag("action", "evicted").counter().count())
					.isPositive();
				System.out.printf("stale keep-alive %s: conntrace.stale.connections evicted=%.0f retried=%.0f%n",
						tls ? "https" : "http", count(registry, "evicted"), count(registry, "retried"));
			});
		}
	}

	/** Trusts the TLS servers' self-signed certificates as a user would: an SSL bundle (one PEM file). */
	private ApplicationContextRunner trusting(List<CountingServer> servers) throws IOException {
		if (servers.get(0).certificate() == null) {
			return this.runner;
		}
		Path trusted = Files.createTempFile("stale-keep-alive-trust", ".pem");
		trusted.toFile().deleteOnExit();
		StringBuilder certificates = new StringBuilder();
		for (CountingServer server : servers) {
			certificates.append(Files.readString(server.certificate().toPath())).append('\n');
		}
		Files.writeString(trusted, certificates);
		return this.runner.withPropertyValues(
				"spring.ssl.bundle.pem.test.truststore.certificate=file:" + trusted.toAbsolutePath(),
				"spring.http.clients.ssl.bundle=test");
	}

	/** By the certificate's name, so hostname verification passes. */
	private static String url(CountingServer server) {
		return server.url("/").replace("127.0.0.1", "localhost");
	}

	private static CountingServer server(boolean tls) throws Exception {
		return tls ? CountingServer.httpsClosingIdleAfter(Duration.ofSeconds(1))
				: CountingServer.httpClosingIdleAfter(Duration.ofSeconds(1));
	}

	/** Sends {@value #REQUESTS} requests from {@value #CLIENTS} clients to each server at once; returns how many failed. */
	private static int race(WebClient client, List<String> urls) {
		AtomicInteger failed = new AtomicInteger();
		Random random = new Random(42);
		Flux.fromIterable(urls)
			.flatMap((url) -> Flux.range(0, CLIENTS)
				.flatMap((c) -> Flux.range(0, REQUESTS / CLIENTS)
					.concatMap((i) -> Mono.delay(Duration.ofMillis((i == 0) ? 0 : 994 + random.nextInt(13)))
						.then(client.get().uri(url).retrieve().bodyToMono(String.class))
						// Only a connection closed under the request counts; any other error fails the test.
						.onErrorResume(StaleKeepAliveTests::closedUnderTheRequest, (ex) -> {
							failed.incrementAndGet();
							return Mono.empty();
						})), CLIENTS), urls.size())
			.blockLast(Duration.ofSeconds(60));
		return failed.get();
	}

	/**
	 * The race shows two ways: the connection closes after the request went out ({@code PrematureCloseException})
	 * or while the pool hands it over ({@code IOException: Error while acquiring}).
	 */
	private static boolean closedUnderTheRequest(Throwable ex) {
		return ex instanceof WebClientRequestException && ex.getCause() instanceof java.io.IOException;
	}

	private static double count(MeterRegistry registry, String action) {
		Counter counter = registry.find("conntrace.stale.connections").tag("action", action).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private static void report(String mode, boolean tls, int failed, int sent) {
		System.out.printf("stale keep-alive %s %s: failed %d / %d%n", mode, tls ? "https" : "http", failed, sent);
	}

}
