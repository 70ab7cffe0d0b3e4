package io.conntrace.autoconfigure.pool;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import io.conntrace.testsupport.CountingServer;
import io.conntrace.testsupport.DelayingProxy;
import io.conntrace.testsupport.TracedContext;
import io.micrometer.core.instrument.MeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code conntrace.pool.keep-cancelled-dials} through a Boot application: a request times out while its
 * TLS handshake is held at a proxy. Kept, the finished connection serves the next request (one socket);
 * not kept, Reactor Netty closes it and the next request opens another.
 */
class CancelledDialTests {

	@ParameterizedTest
	@ValueSource(booleans = { true, false })
	void keepCancelledDialsDecidesWhetherTheHandshakeIsPaidTwice(boolean keep) throws Exception {
		try (CountingServer server = CountingServer.https();
				DelayingProxy proxy = new DelayingProxy(server.port(), Duration.ofMillis(600))) {
			TracedContext.runner()
				.withConfiguration(TracedContext.METRICS)
				.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class))
				.withPropertyValues("conntrace.pool.keep-cancelled-dials=" + keep,
						"spring.ssl.bundle.pem.test.truststore.certificate=file:"
								+ server.certificate().getAbsolutePath(),
						"spring.http.clients.ssl.bundle=test")
				.run((context) -> {
					WebClient client = context.getBean(WebClient.Builder.class).build();
					String url = "https://localhost:" + proxy.port() + "/";
					assertThatThrownBy(() -> client.get()
						.uri(url)
						.retrieve()
						.bodyToMono(String.class)
						.timeout(Duration.ofMillis(200))
						.block()).hasCauseInstanceOf(TimeoutException.class);
					assertThat(cancelled(context)).isEqualTo(1);
					if (keep) {
						Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> idle(context) == 1);
					}
					else {
						Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> server.closed() == 1);
					}
					client.get().uri(url).retrieve().bodyToMono(String.class).block(Duration.ofSeconds(10));
					assertThat(server.accepted()).isEqualTo(keep ? 1 : 2);
				});
		}
	}

	private static double cancelled(AssertableApplicationContext context) {
		return context.getBean(MeterRegistry.class)
			.get("conntrace.acquire.cancelled")
			.tag("phase", "tls")
			.tag("server.address", "localhost")
			.counter()
			.count();
	}

	private static double idle(AssertableApplicationContext context) {
		return context.getBean(MeterRegistry.class)
			.find("reactor.netty.connection.provider.idle.connections")
			.gauges()
			.stream()
			.mapToDouble((gauge) -> gauge.value())
			.sum();
	}

}
