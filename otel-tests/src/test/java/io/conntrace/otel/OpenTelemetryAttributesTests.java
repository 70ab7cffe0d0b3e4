package io.conntrace.otel;

import java.time.Duration;
import java.util.List;

import io.conntrace.testsupport.CountingServer;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.http.client.autoconfigure.reactive.ClientHttpConnectorBuilderCustomizer;
import org.springframework.boot.http.client.reactive.ReactorClientHttpConnectorBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * conntrace in a Boot app that traces with OpenTelemetry (Boot's starter, the Micrometer bridge, a real
 * SDK exporting to memory): the attributes keep their types, so a backend can compare numbers, and the
 * ground truth holds as through Brave.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "management.tracing.sampling.probability=1.0", "management.tracing.export.otlp.enabled=false",
				"management.otlp.metrics.export.enabled=false", "management.logging.export.otlp.enabled=false" })
class OpenTelemetryAttributesTests {

	private static final AttributeKey<Boolean> REUSED = AttributeKey.booleanKey("conntrace.connection.reused");

	/** Answered after 50 ms, so that concurrent requests need connections of their own. */
	private static final String SLOW = "/slow?ms=50";

	@Autowired
	private InMemorySpanExporter exporter;

	@Autowired
	private WebClient.Builder builder;

	/** HTTP/1.1, or h2c for a client that knows it speaks it. */
	private CountingServer http;

	private CountingServer https;

	@BeforeEach
	void start() throws Exception {
		this.exporter.reset();
		this.http = CountingServer.http2Upgradable();
		this.https = CountingServer.https();
	}

	@AfterEach
	void stop() {
		this.http.close();
		this.https.close();
	}

	@Test
	void http11AttributesAreTypedAndNewConnectionsMatchTheSockets() {
		WebClient client = this.builder.build();
		String url = this.http.url("/");
		for (int i = 0; i < 10; i++) {
			client.get().uri(url).retrieve().bodyToMono(String.class).block(Duration.ofSeconds(10));
		}
		Flux.range(0, 20)
			.flatMap((i) -> client.get().uri(this.http.url(SLOW)).retrieve().bodyToMono(String.class), 4)
			.blockLast(Duration.ofSeconds(30));
		List<Attributes> spans = clientSpans(30);
		long newConnections = spans.stream().filter((attributes) -> !attributes.get(REUSED)).count();
		System.out.printf("otel ground truth http: requests=%d accepted=%d reused=false spans=%d%n", spans.size(),
				this.http.accepted(), newConnections);
		assertThat(this.http.accepted()).isPositive();
		assertThat(newConnections).isEqualTo(this.http.accepted());
		assertThat(spans).allSatisfy((attributes) -> {
			assertThat(attributes.get(AttributeKey.longKey("conntrace.connection.requests"))).isPositive();
			assertThat(attributes.get(AttributeKey.longKey("network.peer.port"))).isEqualTo(this.http.port());
			assertThat(attributes.get(AttributeKey.doubleKey("conntrace.acquire_ms"))).isNotNegative();
			assertThat(attributes.get(AttributeKey.doubleKey("conntrace.pool.wait_ms"))).isNotNegative();
			assertThat(attributes.get(AttributeKey.stringKey("network.protocol.version"))).isEqualTo("1.1");
			assertThat(attributes.get(AttributeKey.stringKey("conntrace.connection.id"))).isNotBlank();
			if (attributes.get(REUSED)) {
				assertThat(attributes.get(AttributeKey.doubleKey("conntrace.connection.age_ms"))).isNotNegative();
			}
			else {
				assertThat(attributes.get(AttributeKey.doubleKey("conntrace.connect_ms"))).isNotNegative();
			}
		});
		printTypes("http", spans.get(spans.size() - 1));
	}

	@Test
	void tlsAttributesAreTyped() {
		WebClient client = this.builder.build();
		client.get().uri(this.https.url("/")).retrieve().bodyToMono(String.class).block(Duration.ofSeconds(10));
		Attributes opened = clientSpans(1).get(0);
		assertThat(opened.get(REUSED)).isFalse();
		assertThat(opened.get(AttributeKey.booleanKey("tls.resumed"))).isFalse();
		assertThat(opened.get(AttributeKey.doubleKey("conntrace.tls_ms"))).isPositive();
		assertThat(opened.get(AttributeKey.stringKey("tls.protocol.version"))).isIn("1.2", "1.3");
		assertThat(this.https.accepted()).isOne();
		printTypes("https", opened);
	}

	@Test
	void http2StreamsInFlightIsAnInteger() {
		WebClient client = this.builder.clone()
			.clientConnector(new org.springframework.http.client.reactive.ReactorClientHttpConnector(
					io.conntrace.trace.ConnectionTracing.instrument(HttpClient.create().protocol(HttpProtocol.H2C))))
			.build();
		String url = this.http.url(SLOW);
		Flux.range(0, 4).flatMap((i) -> client.get().uri(url).retrieve().bodyToMono(String.class), 4)
			.blockLast(Duration.ofSeconds(30));
		List<Attributes> spans = clientSpans(4);
		assertThat(spans).allSatisfy((attributes) -> {
			assertThat(attributes.get(AttributeKey.stringKey("network.protocol.version"))).isEqualTo("2");
			assertThat(attributes.get(AttributeKey.longKey("conntrace.http2.streams_in_flight"))).isNotNegative();
		});
		assertThat(spans.stream().filter((attributes) -> !attributes.get(REUSED)).count())
			.isEqualTo(this.http.accepted());
		printTypes("h2c", spans.get(spans.size() - 1));
	}

	private List<Attributes> clientSpans(int expected) {
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> clientSpanData().size() >= expected);
		return clientSpanData().stream().map(SpanData::getAttributes).toList();
	}

	private List<SpanData> clientSpanData() {
		return this.exporter.getFinishedSpanItems().stream().filter((span) -> span.getKind() == SpanKind.CLIENT).toList();
	}

	/** The types as OpenTelemetry holds them, for the closing note and the README. */
	private static void printTypes(String scenario, Attributes attributes) {
		StringBuilder types = new StringBuilder();
		attributes.forEach((key, value) -> {
			if (key.getKey().startsWith("conntrace.") || key.getKey().startsWith("network.") || key.getKey().startsWith("tls.")) {
				types.append(' ').append(key.getKey()).append('=').append(key.getType());
			}
		});
		System.out.println("otel types " + scenario + ":" + types);
	}

	@SpringBootApplication
	static class App {

		@Bean
		InMemorySpanExporter inMemorySpanExporter() {
			return InMemorySpanExporter.create();
		}

		/** The demo servers' certificates are generated at startup: trust them, for this test only. */
		@Bean
		ClientHttpConnectorBuilderCustomizer<ReactorClientHttpConnectorBuilder> trustTestCertificates() {
			return (builder) -> builder.withHttpClientCustomizer((client) -> client.secure((spec) -> spec
				.sslContext(Http11SslContextSpec.forClient()
					.configure((ssl) -> ssl.trustManager(InsecureTrustManagerFactory.INSTANCE)))));
		}

	}

}
