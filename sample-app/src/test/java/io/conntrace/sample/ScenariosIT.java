package io.conntrace.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import io.conntrace.testsupport.ZipkinServer;
import io.conntrace.testsupport.ZipkinSpan;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample app, as a user runs it, against the real Zipkin server: every scenario is run through its
 * endpoint, and what Zipkin stored for the run's trace must tell the scenario's story. The target
 * servers' accept counts are the ground truth for new connections.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class ScenariosIT {

	private static final String SERVICE = "conntrace-sample";

	@RegisterExtension
	static final ZipkinServer zipkin = new ZipkinServer();

	private final HttpClient http = HttpClient.newHttpClient();

	@Value("${local.server.port}")
	private int port;

	@Autowired
	private SampleProperties properties;

	@DynamicPropertySource
	static void exportToZipkin(DynamicPropertyRegistry registry) {
		registry.add("management.tracing.export.zipkin.endpoint", zipkin::spansEndpoint);
	}

	@Test
	void reuse(@Autowired ReuseScenario scenario) throws Exception {
		Run run = run(scenario);
		assertThat(run.spans()).hasSize(3);
		assertThat(run.spans()).extracting(ZipkinSpan::connectionId).containsOnly(run.first().connectionId());
		for (int i = 1; i < 3; i++) {
			ZipkinSpan span = run.spans().get(i);
			assertThat(span.reused()).isTrue();
			assertThat(span.tag("conntrace.connection.requests"))
				.isEqualTo(Integer.toString(Integer.parseInt(run.spans().get(i - 1).tag("conntrace.connection.requests")) + 1));
			assertThat(span.millis("conntrace.connection.idle_ms")).isGreaterThanOrEqualTo(0.9 * millis(this.properties.pause()));
			assertThat(span.millis("conntrace.connection.age_ms")).isGreaterThan(span.millis("conntrace.connection.idle_ms"));
			assertNoOpeningPhases(span);
		}
	}

	/** RestClient from Boot's builder: the same facts as WebClient's, on the same kind of pool. */
	@Test
	void restClient(@Autowired RestClientScenario scenario) throws Exception {
		assertReusedAfterFirst(run(scenario));
	}

	/** An HTTP service interface of the default type (RestClient), from {@code @ImportHttpServices}. */
	@Test
	void httpService(@Autowired HttpServiceScenario scenario) throws Exception {
		assertReusedAfterFirst(run(scenario));
	}

	/** Three calls a pause apart: one connection, reused by the second and third after sitting idle that long. */
	private void assertReusedAfterFirst(Run run) {
		assertThat(run.spans()).hasSize(3);
		assertThat(run.spans()).extracting(ZipkinSpan::connectionId).containsOnly(run.first().connectionId());
		for (int i = 1; i < 3; i++) {
			ZipkinSpan span = run.spans().get(i);
			assertThat(span.reused()).isTrue();
			assertThat(span.millis("conntrace.connection.idle_ms")).isGreaterThanOrEqualTo(0.9 * millis(this.properties.pause()));
			assertNoOpeningPhases(span);
		}
	}

	/** The reuse scenario runs on conntrace's own pool: the endpoint lists its one connection, by the spans' id. */
	@Test
	void actuatorEndpointListsThePoolsConnections(@Autowired ReuseScenario scenario) throws Exception {
		Run run = run(scenario);
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/actuator/conntrace")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		String pool = "$.pools[?(@.remote == '127.0.0.1:" + scenario.target().port() + "')]";
		String connection = pool + ".connections[?(@.id == '" + run.first().connectionId() + "')]";
		// An earlier run of the scenario may have used the same connection: at least this run's three requests.
		assertThat(JsonPath.<List<Integer>>read(response.body(), connection + ".requests")).singleElement()
			.satisfies((requests) -> assertThat(requests).isGreaterThanOrEqualTo(3));
		assertThat(JsonPath.<List<String>>read(response.body(), connection + ".state")).containsExactly("idle");
	}

	@Test
	void newTls(@Autowired NewTlsScenario scenario) throws Exception {
		Run run = run(scenario);
		assertThat(run.spans()).hasSize(2);
		ZipkinSpan opened = run.first();
		assertThat(opened.reused()).isFalse();
		assertThat(opened.tag("conntrace.connection.requests")).isEqualTo("1");
		assertThat(opened.tag("network.peer.port")).isEqualTo(Integer.toString(scenario.target().port()));
		assertThat(opened.tag("tls.protocol.version")).isIn("1.2", "1.3");
		assertThat(opened.tag("tls.cipher")).startsWith("TLS_");
		assertThat(opened.tag("tls.resumed")).isEqualTo("false");
		assertThat(opened.tags()).doesNotContainKey("conntrace.dns_ms"); // an IP address: nothing to resolve
		assertThat(opened.millis("conntrace.acquire_ms"))
			.isGreaterThanOrEqualTo(opened.millis("conntrace.tls_ms") + opened.millis("conntrace.connect_ms") - 0.002);
		assertThat(opened.annotations()).contains("conntrace.connect", "conntrace.tls", "conntrace.acquired");
		ZipkinSpan reused = run.spans().get(1);
		assertThat(reused.reused()).isTrue();
		assertThat(reused.connectionId()).isEqualTo(opened.connectionId());
		assertThat(reused.tag("tls.protocol.version")).isEqualTo(opened.tag("tls.protocol.version"));
		assertNoOpeningPhases(reused);
	}

	@Test
	void slowDns(@Autowired SlowDnsScenario scenario) throws Exception {
		Run run = run(scenario);
		assertThat(run.spans()).hasSize(2);
		ZipkinSpan opened = run.first();
		assertThat(opened.reused()).isFalse();
		assertThat(opened.millis("conntrace.dns_ms")).isGreaterThanOrEqualTo(millis(this.properties.dnsDelay()));
		assertThat(opened.millis("conntrace.acquire_ms")).isGreaterThanOrEqualTo(opened.millis("conntrace.dns_ms"));
		assertThat(opened.tag("network.peer.address")).isEqualTo("127.0.0.1");
		assertThat(opened.annotations()).contains("conntrace.dns", "conntrace.connect", "conntrace.acquired");
		ZipkinSpan reused = run.spans().get(1);
		assertThat(reused.reused()).isTrue();
		assertThat(reused.connectionId()).isEqualTo(opened.connectionId());
		assertNoOpeningPhases(reused);
	}

	@Test
	void slowTls(@Autowired SlowTlsScenario scenario) throws Exception {
		Run run = run(scenario);
		assertThat(run.spans()).hasSize(2);
		ZipkinSpan opened = run.first();
		assertThat(opened.reused()).isFalse();
		assertThat(opened.tag("network.peer.port")).isEqualTo(Integer.toString(scenario.proxyPort()));
		assertThat(opened.millis("conntrace.tls_ms")).isGreaterThanOrEqualTo(millis(this.properties.tlsDelay()));
		// The proxy delays the handshake's first answer, not the TCP connect.
		assertThat(opened.millis("conntrace.connect_ms")).isLessThan(millis(this.properties.tlsDelay()));
		ZipkinSpan reused = run.spans().get(1);
		assertThat(reused.reused()).isTrue();
		assertNoOpeningPhases(reused);
	}

	@Test
	void poolStarvation(@Autowired PoolStarvationScenario scenario, CapturedOutput output) throws Exception {
		Run run = run(scenario);
		int poolSize = this.properties.starvationPoolSize();
		int burst = this.properties.starvationBurst();
		int queueRoom = burst - poolSize - 2;
		double slow = millis(this.properties.slowResponse());
		assertThat(run.spans()).hasSize(burst);
		assertThat(run.report().connectionsAccepted()).isEqualTo(poolSize);
		List<ZipkinSpan> served = run.spans().stream().filter((span) -> span.tag("conntrace.connection.id") != null).toList();
		assertThat(served).hasSize(burst - 2);
		assertThat(served.stream().map(ZipkinSpan::connectionId).distinct()).hasSize(poolSize);
		List<ZipkinSpan> queued = served.stream().filter(ZipkinSpan::reused).toList();
		assertThat(queued).hasSize(queueRoom);
		// Every request beyond the pool's size waited in the queue for at least one slow response, less how much
		// later than the first holder it started (the scenario starts it once the holders hold every connection).
		long firstStart = served.stream().filter((span) -> !span.reused()).mapToLong(ZipkinSpan::timestamp).min().orElseThrow();
		assertThat(queued).allSatisfy((span) -> {
			double startedLater = (span.timestamp() - firstStart) / 1000.0;
			assertThat(startedLater).as("ms after the first holder").isLessThan(slow / 2);
			assertThat(span.millis("conntrace.pool.wait_ms")).isGreaterThanOrEqualTo(0.9 * slow - startedLater);
		});
		// The last ones waited for several.
		assertThat(queued).anySatisfy((span) -> assertThat(span.millis("conntrace.pool.wait_ms")).isGreaterThanOrEqualTo(2 * 0.9 * slow));
		assertThat(served).filteredOn((span) -> !span.reused())
			.allSatisfy((span) -> assertThat(span.millis("conntrace.pool.wait_ms")).isLessThan(slow));
		// The two turned away say why, naming the server and the property to raise.
		String remote = "127.0.0.1:" + scenario.target().port();
		assertThat(run.report().requests()).filteredOn((line) -> line.contains("failed")).hasSize(2).allSatisfy(
				(line) -> assertThat(line).contains("conntrace: the pool 'conntrace' for " + remote + " is full")
					.contains("conntrace.pool.hosts.[" + remote + "].max-connections"));
		assertThat(output.getAll()).contains("WARN").contains("Held longest by: GET /slow");
		// Halfway through, the pool as /actuator/conntrace showed it: every connection busy, the queue full.
		Map<String, Object> pool = JsonPath.read(run.body(), "$.pool");
		assertThat(pool).containsEntry("remote", remote).containsEntry("active", poolSize).containsEntry("pending", queueRoom);
		assertThat(JsonPath.<List<String>>read(run.body(), "$.pool.connections[*].request")).hasSize(poolSize)
			.containsOnly("GET /slow");
	}

	@Test
	void http2(@Autowired Http2Scenario scenario) throws Exception {
		Run run = run(scenario);
		assertThat(run.spans()).hasSize(7);
		// One socket carried every stream: the server accepted one connection, every span names it.
		assertThat(run.report().connectionsAccepted()).isEqualTo(1);
		assertThat(run.spans()).extracting(ZipkinSpan::connectionId).containsOnly(run.first().connectionId());
		assertThat(run.spans()).extracting((span) -> span.tag("network.protocol.version")).containsOnly("2");
		assertThat(run.spans()).extracting((span) -> span.tag("tls.protocol.version")).doesNotContainNull();
		assertThat(run.spans().stream().map((span) -> Integer.parseInt(span.tag("conntrace.connection.requests"))).sorted())
			.containsExactly(1, 2, 3, 4, 5, 6, 7);
		ZipkinSpan opened = run.spans().stream().filter((span) -> !span.reused()).findFirst().orElseThrow();
		assertThat(opened.tag("conntrace.connection.requests")).isEqualTo("1");
		assertThat(opened.millis("conntrace.tls_ms")).isPositive();
		List<ZipkinSpan> streams = run.spans().stream().filter(ZipkinSpan::reused).toList();
		streams.forEach(ScenariosIT::assertNoOpeningPhases);
		assertThat(streams).anySatisfy((span) -> assertThat(Integer.parseInt(span.tag("conntrace.http2.streams_in_flight"))).isPositive());
		// The last request, after the pause, found no stream open: it has an idle time.
		ZipkinSpan last = run.spans().stream()
			.filter((span) -> span.tag("conntrace.connection.requests").equals("7"))
			.findFirst()
			.orElseThrow();
		assertThat(last.tag("conntrace.http2.streams_in_flight")).isEqualTo("0");
		assertThat(last.millis("conntrace.connection.idle_ms")).isGreaterThanOrEqualTo(0.9 * millis(this.properties.pause()));
	}

	@Test
	void staleConnection(@Autowired StaleConnectionScenario scenario) throws Exception {
		Run run = run(scenario);
		assertThat(run.spans()).hasSize(2);
		ZipkinSpan first = run.first();
		ZipkinSpan second = run.spans().get(1);
		assertThat(first.reused()).isFalse();
		String outcome = run.report().requests().get(1);
		if (outcome.endsWith("200 OK")) {
			// The pool saw the server's close and opened a new connection: the span says so.
			assertThat(second.reused()).isFalse();
			assertThat(second.connectionId()).isNotEqualTo(first.connectionId());
			assertThat(run.report().connectionsAccepted()).isEqualTo(2);
		}
		else {
			// The request went out on the connection the server had closed: the span shows the dead
			// connection it was given, idle for longer than the server keeps connections.
			assertThat(outcome).contains("failed");
			assertThat(second.tags()).containsKey("error");
			assertThat(second.reused()).isTrue();
			assertThat(second.connectionId()).isEqualTo(first.connectionId());
			assertThat(second.millis("conntrace.connection.idle_ms"))
				.isGreaterThan(millis(this.properties.serverIdleTimeout()));
		}
	}

	/**
	 * Run a scenario through its endpoint and wait until Zipkin has a client span for each of its
	 * requests. New connections in the spans must match what the target server accepted.
	 */
	private Run run(Scenario scenario) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/scenarios/" + scenario.name()))
			.timeout(Duration.ofSeconds(30))
			.build();
		HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		Map<String, Object> json = JsonPath.read(response.body(), "$");
		@SuppressWarnings("unchecked")
		ScenarioReport report = new ScenarioReport((String) json.get("scenario"), (String) json.get("traceId"),
				(List<String>) json.get("requests"), (Integer) json.get("connectionsAccepted"), (String) json.get("lookFor"), json.get("pool"));
		assertThat(report.traceId()).as("trace id").matches("[0-9a-f]{32}");
		String spanName = "http get /scenarios/" + scenario.name();
		List<ZipkinSpan> spans = Awaitility.await("client spans of trace " + report.traceId() + " in Zipkin")
			.atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(250))
			.until(() -> zipkin.clientSpans(SERVICE, spanName, report.traceId()),
					(found) -> found.size() >= report.requests().size());
		assertThat(spans).hasSize(report.requests().size());
		// A request the pool turned away never had a connection: no facts to check on its span.
		assertThat(spans).filteredOn((span) -> "none".equals(span.tag("exception")))
			.allSatisfy((span) -> assertThat(span.tags()).containsKeys("conntrace.connection.reused",
				"conntrace.connection.id", "conntrace.connection.requests", "conntrace.acquire_ms",
				"conntrace.pool.wait_ms", "network.peer.address", "network.peer.port"));
		assertThat(spans.stream().filter((span) -> "false".equals(span.tag("conntrace.connection.reused"))).count())
			.as("new connections in the spans")
			.isEqualTo(report.connectionsAccepted());
		return new Run(report, spans, response.body());
	}

	private static void assertNoOpeningPhases(ZipkinSpan span) {
		assertThat(span.tags()).doesNotContainKeys("conntrace.dns_ms", "conntrace.connect_ms", "conntrace.tls_ms");
	}

	private static double millis(Duration duration) {
		return duration.toNanos() / 1_000_000.0;
	}

	private record Run(ScenarioReport report, List<ZipkinSpan> spans, String body) {

		ZipkinSpan first() {
			return this.spans.get(0);
		}

	}

}
