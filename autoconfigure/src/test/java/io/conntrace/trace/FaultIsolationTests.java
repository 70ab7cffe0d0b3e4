package io.conntrace.trace;

import java.time.Duration;
import java.util.List;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.conntrace.testsupport.CountingServer;
import io.conntrace.testsupport.DelayedDnsServer;
import io.conntrace.testsupport.LogCapture;
import io.conntrace.testsupport.SpanCollector;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.netty.resources.ConnectionProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * conntrace made to throw at each of its hooks in turn ({@link HookFaults}: every block guarded for the hook
 * fails): every request must still complete as it would without conntrace, and the failure must be reported
 * once at WARN with its cause. The hooks of queued and
 * cancelled requests are failed in {@code CancelledAcquireTests}, those of blocking calls in
 * {@code BlockingCallsTests}.
 */
class FaultIsolationTests {

	private final SpanCollector spans = new SpanCollector(ConnectionTracing.observationFilter());

	private final LogCapture log = LogCapture.of(ConnectionTracing.class);

	@AfterEach
	void restore() {
		HookFaults.disarm();
		this.log.close();
		this.spans.close();
	}

	@ParameterizedTest
	@EnumSource(value = Hook.class, mode = EnumSource.Mode.EXCLUDE, names = { "WAIT", "CANCEL", "CALL" })
	void failureAtHookNeverReachesTheRequest(Hook hook) throws Exception {
		try (DelayedDnsServer dns = new DelayedDnsServer(Duration.ZERO);
				CountingServer http = CountingServer.http();
				CountingServer https = CountingServer.https();
				CountingServer h2c = CountingServer.http2(false);
				TracedClient client = new TracedClient(this.spans.registry(), evictingPool(), dns::resolveWithMe);
				TracedClient http2Client = new TracedClient(this.spans.registry(), evictingPool(),
						(c) -> Http2GroundTruthTests.http2(false).apply(dns.resolveWithMe(c)))) {
			HookFaults.arm(hook);
			for (CountingServer server : List.of(http, https)) {
				// By name, so resolution runs too; twice, so one request is new and one reused.
				String url = server.url("/").replace("127.0.0.1", "conntrace.test");
				assertThat(client.getAndAwaitRelease(url)).isEqualTo("ok");
				assertThat(client.get(url)).isEqualTo("ok");
			}
			// And HTTP/2, whose streams run through the same hooks.
			String url = h2c.url("/").replace("127.0.0.1", "conntrace.test");
			assertThat(http2Client.get(url)).isEqualTo("ok");
			assertThat(http2Client.get(url)).isEqualTo("ok");
			assertThat(this.spans.clientSpans(6)).hasSize(6)
				.allSatisfy((span) -> assertThat(span.tag("status")).isEqualTo("200"));
			// Idle eviction closes every connection, so the eviction and close hooks run too. Under load a
			// connection may be evicted between the two requests and another opened: count what was accepted.
			Awaitility.await()
				.atMost(Duration.ofSeconds(10))
				.until(() -> http.closed() == http.accepted() && https.closed() == https.accepted()
						&& h2c.closed() == h2c.accepted());
			List<ILoggingEvent> warnings = this.log.warnings();
			assertThat(warnings).hasSize(1);
			assertThat(warnings.get(0).getFormattedMessage()).contains(hook.name());
			assertThat(warnings.get(0).getThrowableProxy().getMessage()).contains("fault injected at " + hook);
		}
	}

	private static ConnectionProvider evictingPool() {
		return TracedClient.timed(ConnectionProvider.builder("faults")
			.maxConnections(4)
			.evictionPredicate(ConnectionEviction.of(Duration.ofMillis(150), null))
			.evictInBackground(Duration.ofMillis(50))
			);
	}

}
