package io.conntrace.gateway;

import java.time.Duration;
import java.util.List;

import brave.handler.MutableSpan;
import io.conntrace.testsupport.TracedContext.CapturedSpans;
import io.conntrace.testsupport.TracedContext.SpanCapture;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stale-connection race made deterministic through a real gateway: the backend closes a connection
 * that carried a request before, when the next request arrives on it, before any response byte. Each test
 * starts a new gateway, so its pool holds exactly the one connection the warm-up call opened.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.tracing.export.zipkin.enabled=false", "gateway-sample.backend.idle-timeout=30s" })
@Import(SpanCapture.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
class GatewayStaleRetryTests {

	@LocalServerPort
	private int port;

	@Autowired
	private Backend backend;

	@Autowired
	private CapturedSpans spans;

	@Autowired
	private MeterRegistry meters;

	private final HttpClient caller = HttpClient.create();

	@Test
	void getOnAStaleConnectionIsSentAgainOnANewOneAndBothCallsAreOnTheTrace() {
		assertThat(call("GET", "/api/warm-up", null)).isEqualTo("200 hello from the backend, request 1 on its connection");
		assertThat(call("GET", "/api/close-reused", null))
			.isEqualTo("200 hello from the backend, request 1 on its connection");
		assertThat(this.backend.accepted()).isEqualTo(2);
		assertThat(this.backend.requests()).isEqualTo(3);
		assertThat(stale("retried")).isEqualTo(1);

		List<MutableSpan> calls = this.spans.client(3);
		assertThat(calls).hasSize(3);
		MutableSpan warmUp = calls.get(0);
		MutableSpan failed = calls.get(1);
		MutableSpan retried = calls.get(2);
		// The failed call's span: its stale connection, and the error it ended with.
		assertThat(failed.tag("conntrace.connection.reused")).isEqualTo("true");
		assertThat(failed.tag("conntrace.connection.id")).isEqualTo(warmUp.tag("conntrace.connection.id"));
		assertThat(failed.tag("conntrace.connection.idle_ms")).isNotNull();
		assertThat(failed.error()).isNotNull();
		// The call sent again: a new connection, and which one failed before.
		assertThat(retried.tag("conntrace.connection.reused")).isEqualTo("false");
		assertThat(retried.tag("conntrace.retry")).isEqualTo("stale-connection");
		assertThat(retried.tag("conntrace.retry.first_connection.id")).isEqualTo(warmUp.tag("conntrace.connection.id"));
		assertThat(retried.error()).isNull();
		assertThat(retried.parentId()).isEqualTo(failed.parentId());
	}

	@Test
	void aStreamedBodyIsNeverSentTwice() {
		call("GET", "/api/warm-up", null);
		assertThat(call("PUT", "/api/close-reused", "payload")).startsWith("500");
		assertThat(this.backend.accepted()).isEqualTo(1);
		assertThat(this.backend.requests()).isEqualTo(2);
		assertThat(stale("failed")).isEqualTo(1);
		assertThat(stale("retried")).isZero();
	}

	@Test
	void aPostIsNotSentAgain() {
		call("GET", "/api/warm-up", null);
		assertThat(call("POST", "/api/close-reused", "")).startsWith("500");
		assertThat(this.backend.requests()).isEqualTo(2);
		assertThat(stale("failed")).isEqualTo(1);
	}

	@Test
	void aPutWithoutBodyIsSentAgain() {
		call("GET", "/api/warm-up", null);
		assertThat(call("PUT", "/api/close-reused", "")).startsWith("200");
		assertThat(this.backend.requests()).isEqualTo(3);
		assertThat(stale("retried")).isEqualTo(1);
	}

	@Test
	void aBodyTheGatewayCachedIsSentAgainWhole() {
		call("GET", "/api/warm-up", null);
		// The route's Retry filter caches the body; conntrace's retry runs inside it and resends the cached copy.
		assertThat(call("PUT", "/retrying/close-reused", "payload"))
			.isEqualTo("200 hello from the backend, request 1 on its connection, body payload");
		assertThat(this.backend.requests()).isEqualTo(3);
		assertThat(stale("retried")).isEqualTo(1);
		// conntrace sent it again, not the route's Retry filter (which also retries IOExceptions): its span says so.
		assertThat(this.spans.client(3).get(2).tag("conntrace.retry")).isEqualTo("stale-connection");
	}

	/**
	 * Status and body, the body's line end trimmed. A {@code null} body sends none; an empty one says so
	 * ({@code Content-Length: 0}); any other streams.
	 */
	private String call(String method, String path, String body) {
		HttpClient client = (body != null && body.isEmpty())
				? this.caller.headers((headers) -> headers.set("Content-Length", 0)) : this.caller;
		HttpClient.RequestSender request = client.request(io.netty.handler.codec.http.HttpMethod.valueOf(method))
			.uri("http://127.0.0.1:" + this.port + path);
		HttpClient.ResponseReceiver<?> sent = (body != null && !body.isEmpty())
				? request.send(ByteBufFlux.fromString(Mono.just(body))) : request;
		return sent.responseSingle((response, content) -> content.asString()
			.defaultIfEmpty("")
			.map((text) -> response.status().code() + " " + text.strip()))
			.block(Duration.ofSeconds(10));
	}

	private double stale(String action) {
		Counter counter = this.meters.find("conntrace.stale.connections").tag("action", action).counter();
		return (counter != null) ? counter.count() : 0;
	}

}
