package io.conntrace.servlet;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import io.conntrace.autoconfigure.pool.ConntraceEndpoint;
import io.conntrace.testsupport.CountingServer;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What conntrace's operations give a RestClient's calls as they give WebClient's: the meters, the actuator
 * endpoint's entries, the full-pool explanation on the error, the log line.
 */
@ExtendWith(OutputCaptureExtension.class)
class RestClientOperationsTests {

	@Test
	void metersAndTheEndpointCountTheCallsAndTheirConnections() throws Exception {
		try (CountingServer server = CountingServer.http(); ConfigurableApplicationContext context = ServletApp
				.start("management.endpoints.web.exposure.include=conntrace")) {
			RestClient client = context.getBean(RestClient.Builder.class).build();
			for (int i = 0; i < 5; i++) {
				client.get().uri(server.url("/")).retrieve().body(String.class);
			}
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			double requests = registry.find("conntrace.requests")
				.tag("server.port", String.valueOf(server.port()))
				.counters()
				.stream()
				.mapToDouble((counter) -> counter.count())
				.sum();
			assertThat(requests).isEqualTo(5);
			ConntraceEndpoint.Pool pool = context.getBean(ConntraceEndpoint.class)
				.pools(SecurityContext.NONE)
				.pools()
				.stream()
				.filter((entry) -> entry.remote().equals("127.0.0.1:" + server.port()))
				.findFirst()
				.orElseThrow();
			assertThat(pool.connections()).hasSize(server.accepted());
			assertThat(pool.limits()).isNotNull();
		}
	}

	@Test
	void aCallTurnedAwayByAFullPoolSaysWhy() throws Exception {
		try (CountingServer server = CountingServer.http();
				ConfigurableApplicationContext context = ServletApp.start("conntrace.pool.max-connections=1",
						"conntrace.pool.pending-acquire-max-count=1")) {
			RestClient client = context.getBean(RestClient.Builder.class).build();
			List<Throwable> failures = Callers
				.run(3, 3, () -> client.get().uri(server.url("/slow?ms=1000")).retrieve().body(String.class))
				.stream()
				.map(Callers.Outcome::failure)
				.filter(Objects::nonNull)
				.toList();
			// One call holds the connection and one waits; a third, or a second while the first connection is still
			// being opened, is turned away.
			assertThat(failures).isNotEmpty().hasSizeLessThan(3);
			for (Throwable failure : failures) {
				assertThat(failure).isInstanceOf(ResourceAccessException.class);
				Throwable poolError = failure;
				while (!poolError.getClass().getSimpleName().equals("PoolAcquirePendingLimitException")) {
					poolError = poolError.getCause();
					assertThat(poolError).isNotNull();
				}
				assertThat(Arrays.stream(poolError.getSuppressed()).map(Throwable::getMessage))
					.anySatisfy((message) -> assertThat(message)
						.startsWith("conntrace: the pool 'conntrace' for 127.0.0.1:" + server.port() + " is full")
						.contains("max-connections 1 (1 in use or opening), pending 1 of at most 1"));
			}
		}
	}

	@Test
	void theLogLineDescribesEachCall(CapturedOutput output) throws Exception {
		try (CountingServer server = CountingServer.http();
				ConfigurableApplicationContext context = ServletApp.start("conntrace.log.enabled=true")) {
			RestClient client = context.getBean(RestClient.Builder.class).build();
			client.get().uri(server.url("/?secret=1")).retrieve().body(String.class);
			assertThat(output).contains("method=GET server=127.0.0.1:" + server.port() + " path=/ status=200 reused=false");
			assertThat(output).doesNotContain("secret");
		}
	}

}
