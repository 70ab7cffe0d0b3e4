package io.conntrace.gateway;

import java.time.Duration;
import java.util.Arrays;

import io.conntrace.autoconfigure.InvalidConntracePropertyException;
import io.micrometer.core.instrument.MeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;

import org.springframework.cloud.gateway.config.HttpClientFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Which property wins on the gateway's pool, measured by the sockets the backend accepts: conntrace's
 * {@code max-idle-time} where the gateway leaves its own unset, the gateway's where it sets it; a
 * gateway pool named as conntrace's stops the start.
 */
class GatewayPoolPropertiesTests {

	/** A backend that keeps idle connections for an hour, so only the gateway's pool closes them. */
	private static final String BACKEND_KEEPS_IDLE = "--gateway-sample.backend.idle-timeout=1h";

	/** Longer than the idle limit under test, shorter than the other. */
	private static final Duration PAUSE = Duration.ofMillis(700);

	@Test
	void conntracesIdleTimeAppliesWhereTheGatewaysIsUnset() throws Exception {
		try (ConfigurableApplicationContext gateway = gateway("--conntrace.pool.max-idle-time=300ms")) {
			assertThat(socketsForTwoCallsApart(gateway)).isEqualTo(2);
			// And the close is told as conntrace's idle eviction, not as the server's.
			MeterRegistry meters = gateway.getBean(MeterRegistry.class);
			Awaitility.await()
				.atMost(Duration.ofSeconds(5))
				.until(() -> meters.find("http.client.connection.duration").tag("reason", "idle-evicted").timer(),
						(timer) -> timer != null && timer.count() == 1);
		}
	}

	@Test
	void theGatewaysIdleTimeWinsWhereItIsSet() throws Exception {
		try (ConfigurableApplicationContext gateway = gateway("--conntrace.pool.max-idle-time=300ms",
				"--spring.cloud.gateway.server.webflux.httpclient.pool.max-idle-time=10s")) {
			assertThat(socketsForTwoCallsApart(gateway)).isEqualTo(1);
		}
	}

	@Test
	void aGatewayPoolNamedAsConntracesFailsTheStart() {
		assertThatThrownBy(() -> gateway("--spring.cloud.gateway.server.webflux.httpclient.pool.name=conntrace").close())
			.hasRootCauseInstanceOf(InvalidConntracePropertyException.class)
			.rootCause()
			.hasMessageContaining("spring.cloud.gateway.server.webflux.httpclient.pool.name")
			.hasMessageContaining("conntrace.pool.name");
	}

	@Test
	void theGatewaysOwnIdleAndLifeTimesAreKeptEvenWhenIdleExceedsLife() throws Exception {
		// Accepted by the gateway before conntrace, so accepted with it: the life time closes connections first.
		try (ConfigurableApplicationContext gateway = gateway(
				"--spring.cloud.gateway.server.webflux.httpclient.pool.max-idle-time=10m",
				"--spring.cloud.gateway.server.webflux.httpclient.pool.max-life-time=300ms")) {
			assertThat(socketsForTwoCallsApart(gateway)).isEqualTo(2);
		}
	}

	@Test
	void anApplicationsOwnHttpClientKeepsItsPool() {
		try (ConfigurableApplicationContext gateway = TestGateway
			.start(new Class<?>[] { GatewaySampleApplication.class, OwnClient.class }, BACKEND_KEEPS_IDLE)) {
			assertThat(gateway.getBeansOfType(HttpClientFactory.class)).isEmpty();
			assertThat(gateway.getBean(HttpClient.class).configuration().connectionProvider().name())
				.isEqualTo("own");
			// Its calls are still instrumented: the meters saw the one connection the backend accepted.
			HttpClient.create().get().uri(TestGateway.url(gateway, "/api/own")).responseContent().aggregate()
				.asString().block(Duration.ofSeconds(10));
			assertThat(gateway.getBean(Backend.class).accepted()).isEqualTo(1);
			assertThat(gateway.getBean(MeterRegistry.class)
				.get("conntrace.requests")
				.tag("reused", "false")
				.tag("server.port", Integer.toString(gateway.getBean(Backend.class).port()))
				.counter()
				.count()).isEqualTo(1);
		}
	}

	@Test
	void withConntraceOffTheGatewayBuildsItsOwnClient() {
		try (ConfigurableApplicationContext gateway = gateway("--conntrace.enabled=false")) {
			assertThat(gateway.getBean(HttpClientFactory.class).getClass()).isEqualTo(HttpClientFactory.class);
		}
	}

	private static int socketsForTwoCallsApart(ConfigurableApplicationContext gateway) throws InterruptedException {
		HttpClient caller = HttpClient.create();
		String url = TestGateway.url(gateway, "/api/idle");
		caller.get().uri(url).responseContent().aggregate().asString().block(Duration.ofSeconds(10));
		// The idle time under test, not a wait for something to happen.
		Thread.sleep(PAUSE.toMillis());
		caller.get().uri(url).responseContent().aggregate().asString().block(Duration.ofSeconds(10));
		return gateway.getBean(Backend.class).accepted();
	}

	private static ConfigurableApplicationContext gateway(String... extra) {
		String[] all = Arrays.copyOf(extra, extra.length + 1);
		all[extra.length] = BACKEND_KEEPS_IDLE;
		return TestGateway.start(all);
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnClient {

		@Bean
		HttpClient ownHttpClient() {
			return HttpClient.create(reactor.netty.resources.ConnectionProvider.create("own", 10));
		}

	}

}
