package io.conntrace.gateway;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.conntrace.testsupport.ZipkinServer;
import io.conntrace.testsupport.ZipkinSpan;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.netty.http.client.HttpClient;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway sample as {@code ./demo} runs it, exporting to the real Zipkin server: a proxied call's span
 * reaches Zipkin with its connection's facts, in the trace the caller started.
 */
class GatewayZipkinIT {

	@RegisterExtension
	static final ZipkinServer zipkin = new ZipkinServer();

	@Test
	void theProxiedCallsSpanReachesZipkinWithItsFacts() {
		try (ConfigurableApplicationContext gateway = TestGateway.start(
				"--management.tracing.export.zipkin.enabled=true",
				"--management.tracing.export.zipkin.endpoint=" + zipkin.spansEndpoint())) {
			String traceId = hex(16);
			HttpClient caller = HttpClient.create()
				.headers((headers) -> headers.set("traceparent", "00-" + traceId + "-" + hex(8) + "-01"));
			for (int i = 0; i < 2; i++) {
				caller.get()
					.uri(TestGateway.url(gateway, "/api/traced"))
					.responseContent()
					.aggregate()
					.asString()
					.block(Duration.ofSeconds(10));
			}
			List<ZipkinSpan> calls = Awaitility.await("the gateway's call spans of trace " + traceId + " in Zipkin")
				.atMost(Duration.ofSeconds(30))
				.until(() -> zipkin.clientSpans("conntrace-gateway", "http get", traceId), (spans) -> spans.size() >= 2);
			assertThat(calls).hasSize(2);
			assertThat(calls.get(0).reused()).isFalse();
			assertThat(calls.get(0).tags()).containsKeys("conntrace.connect_ms", "conntrace.setup_ms");
			assertThat(calls.get(1).reused()).isTrue();
			assertThat(calls.get(1).connectionId()).isEqualTo(calls.get(0).connectionId());
			assertThat(gateway.getBean(Backend.class).accepted()).isEqualTo(1);
		}
	}

	private static String hex(int bytes) {
		StringBuilder hex = new StringBuilder();
		for (int i = 0; i < bytes; i++) {
			hex.append(String.format("%02x", ThreadLocalRandom.current().nextInt(1, 256)));
		}
		return hex.toString();
	}

}
