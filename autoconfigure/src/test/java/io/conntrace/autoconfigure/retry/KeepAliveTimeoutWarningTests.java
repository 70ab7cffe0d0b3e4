package io.conntrace.autoconfigure.retry;

import java.time.Duration;

import io.conntrace.testsupport.CountingServer;
import io.conntrace.testsupport.TracedContext;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server announcing an idle timeout below the pool's max idle time is named once, with both values
 * and what conntrace does about it.
 */
@ExtendWith(OutputCaptureExtension.class)
class KeepAliveTimeoutWarningTests {

	@Test
	void serverTimeoutBelowMaxIdleTimeIsWarnedOncePerHost(CapturedOutput output) throws Exception {
		try (CountingServer server = CountingServer.httpClosingIdleAfter(Duration.ofSeconds(2))) {
			TracedContext.runner().withConfiguration(TracedContext.METRICS).run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).build();
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				for (int i = 0; i < 3; i++) {
					assertThat(client.get().uri(server.url("/")).retrieve().bodyToMono(String.class)
						.block(Duration.ofSeconds(10))).isEqualTo("ok");
					// The pool looks at the server's timeout when it hands out an idle connection.
					Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> registry
						.find("reactor.netty.connection.provider.idle.connections")
						.gauges()
						.stream()
						.mapToDouble(Gauge::value)
						.sum() == 1);
				}
				String host = "127.0.0.1:" + server.port();
				assertThat(output.getAll().lines().filter((line) -> line.contains("WARN") && line.contains(host)))
					.singleElement()
					.satisfies((line) -> assertThat(line).contains("closes idle connections after 2000 ms")
						.contains("max idle time of 4000 ms")
						.contains("after 1500 ms idle")
						.contains("conntrace.pool.hosts.[" + host + "].max-idle-time"));
				// Reused within the server's timeout: one connection for all three.
				assertThat(server.accepted()).isEqualTo(1);
			});
		}
	}

}
