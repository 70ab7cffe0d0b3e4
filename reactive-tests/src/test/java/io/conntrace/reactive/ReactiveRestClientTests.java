package io.conntrace.reactive;

import java.time.Duration;
import java.util.List;

import brave.handler.MutableSpan;
import io.conntrace.reactive.ReactiveApp.CountingService;
import io.conntrace.testsupport.CountingServer;
import io.conntrace.testsupport.TracedApplications;
import io.conntrace.testsupport.TracedContext.CapturedSpans;
import io.micrometer.core.instrument.MeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import org.springframework.boot.web.context.reactive.ReactiveWebApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

import static io.conntrace.testsupport.SpanAssertions.reused;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * RestClient in a WebFlux application, where Boot builds no request factory builder and applies no customizer:
 * conntrace's facts, pool and stale retry reach it all the same, against servers that count their sockets.
 */
class ReactiveRestClientTests {

	@Test
	void sequentialCallsOpenAsManyConnectionsAsTheirSpansSay() throws Exception {
		try (CountingServer server = CountingServer.http();
				ConfigurableApplicationContext context = ReactiveApp
					.start("spring.http.serviceclient.counting.base-url=" + server.url(""))) {
			assertThat(context).isInstanceOf(ReactiveWebApplicationContext.class);
			// Boot's rule, with every customizer: the application's own ran on the one builder.
			assertThat(context.getBean(ReactiveApp.CountingCustomizer.class).customized).hasValue(1);
			RestClient client = context.getBean(RestClient.Builder.class).build();
			CountingService service = context.getBean(CountingService.class);
			for (int i = 0; i < 10; i++) {
				assertThat(client.get().uri(server.url("/")).retrieve().body(String.class)).isEqualTo("ok");
				assertThat(service.root()).isEqualTo("ok");
			}
			List<MutableSpan> spans = client(context, 20);
			long fresh = spans.stream().filter((span) -> !reused(span)).count();
			System.out.printf("restclient in a webflux app: %d spans, %d say reused=false, server accepted %d%n",
					spans.size(), fresh, server.accepted());
			assertThat(fresh).isEqualTo(server.accepted());
		}
	}

	@Test
	void aStaleConnectionIsSentAgainOnConntracesPool() throws Exception {
		try (CountingServer server = CountingServer.http(); ConfigurableApplicationContext context = ReactiveApp.start()) {
			RestClient client = context.getBean(RestClient.Builder.class).build();
			assertThat(client.get().uri(server.url("/close-second")).retrieve().body(String.class)).isEqualTo("ok");
			// Reused once back in the pool, which a releasing connection reaches just after the call returned.
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			Awaitility.await()
				.atMost(Duration.ofSeconds(5))
				.until(() -> TracedApplications.idleConnections(registry) >= 1);
			assertThat(client.get().uri(server.url("/close-second")).retrieve().body(String.class)).isEqualTo("ok");
			MutableSpan second = client(context, 2).get(1);
			assertThat(second.tag("conntrace.retry")).isEqualTo("stale-connection");
			assertThat(server.accepted()).isEqualTo(2);
		}
	}

	private static List<MutableSpan> client(ConfigurableApplicationContext context, int expected) {
		return context.getBean(CapturedSpans.class).client(expected);
	}

}
