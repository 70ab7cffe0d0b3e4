package io.conntrace.autoconfigure.trace;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.GZIPInputStream;

import com.jayway.jsonpath.JsonPath;
import io.conntrace.testsupport.CountingServer;
import io.conntrace.testsupport.TracedContext;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.micrometer.tracing.brave.autoconfigure.zipkin.ZipkinWithBraveTracingAutoConfiguration;
import org.springframework.boot.zipkin.autoconfigure.ZipkinAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The attributes survive the trip a user relies on: Boot's own Zipkin exporter posting Zipkin v2 JSON
 * over HTTP, here to an endpoint in the test that keeps what it receives.
 */
class ZipkinExportTests {

	@Test
	void conntraceAttributesAndEventsArriveInZipkinJson() throws Exception {
		ConcurrentLinkedQueue<String> posted = new ConcurrentLinkedQueue<>();
		DisposableServer zipkin = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.route((routes) -> routes.post("/api/v2/spans", (request, response) -> request.receive()
				.aggregate()
				.asByteArray()
				.doOnNext((body) -> posted.add(decode(body, request.requestHeaders().get("Content-Encoding"))))
				.then(response.status(202).send())))
			.bindNow();
		try (CountingServer server = CountingServer.https()) {
			TracedContext.runner()
				.withConfiguration(AutoConfigurations.of(ZipkinAutoConfiguration.class,
						ZipkinWithBraveTracingAutoConfiguration.class, SslAutoConfiguration.class))
				.withPropertyValues("management.tracing.export.zipkin.endpoint=http://127.0.0.1:" + zipkin.port()
						+ "/api/v2/spans", "spring.application.name=zipkin-export-test",
						// Trust the test server's self-signed certificate the way a user would: an SSL bundle.
						"spring.ssl.bundle.pem.test.truststore.certificate=file:" + server.certificate().getAbsolutePath(),
						"spring.http.clients.ssl.bundle=test")
				.withUserConfiguration(Client.class)
				.run((context) -> {
					WebClient client = context.getBean(WebClient.class);
					// By the certificate's name, so that hostname verification passes as it would for a user.
					client.get().uri(server.url("/?secret=hunter2").replace("127.0.0.1", "localhost")).retrieve().bodyToMono(String.class).block(Duration.ofSeconds(10));
					Awaitility.await()
						.atMost(Duration.ofSeconds(15))
						.until(() -> posted.stream().anyMatch((json) -> json.contains("conntrace.connection.reused")));
				});
			String json = posted.stream().filter((body) -> body.contains("conntrace.connection.reused")).findFirst().get();
			List<Map<String, Object>> clientSpans = JsonPath.read(json, "$[?(@.kind == 'CLIENT')]");
			assertThat(clientSpans).hasSize(1);
			Map<String, Object> span = clientSpans.get(0);
			@SuppressWarnings("unchecked")
			Map<String, String> tags = (Map<String, String>) span.get("tags");
			assertThat(tags).containsEntry("conntrace.connection.reused", "false")
				.containsEntry("conntrace.connection.requests", "1")
				.containsEntry("network.peer.address", "127.0.0.1")
				.containsEntry("network.peer.port", Integer.toString(server.port()))
				.containsKeys("conntrace.connection.id", "conntrace.acquire_ms", "conntrace.pool.wait_ms",
						"conntrace.connect_ms", "conntrace.tls_ms", "tls.protocol.version", "tls.cipher", "tls.resumed");
			assertThat(tags.get("conntrace.tls_ms")).matches("\\d+\\.\\d{3}");
			List<String> annotations = JsonPath.read(span, "$.annotations[*].value");
			assertThat(annotations).contains("conntrace.connect", "conntrace.tls", "conntrace.acquired");
			// The query string is the user's business: nothing of it appears in conntrace's attributes.
			assertThat(tags).allSatisfy((key, value) -> {
				if (key.startsWith("conntrace.") || key.startsWith("network.") || key.startsWith("tls.")) {
					assertThat(value).doesNotContain("hunter2");
				}
			});
		}
		finally {
			zipkin.disposeNow();
		}
	}

	private static String decode(byte[] body, String encoding) {
		if (!"gzip".equalsIgnoreCase(encoding)) {
			return new String(body, StandardCharsets.UTF_8);
		}
		try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Client {

		@Bean
		WebClient client(WebClient.Builder builder) {
			return builder.build();
		}

	}

}
