package io.conntrace.autoconfigure.pool;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import io.conntrace.testsupport.CountingServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /actuator/conntrace} read the way an operator reads it: a real HTTP request to the running
 * application's actuator, checked against the test server's own count of accepted sockets.
 */
class ConntraceEndpointTests {

	private final HttpClient http = HttpClient.newHttpClient();

	private ConfigurableApplicationContext context;

	@AfterEach
	void close() {
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void listsEveryOpenConnectionAndShrinksAfterIdleEviction() throws Exception {
		try (CountingServer server = CountingServer.http()) {
			start("conntrace.pool.max-idle-time=1s", "conntrace.pool.evict-in-background=100ms");
			WebClient client = this.context.getBean(WebClient.Builder.class).build();
			Flux.range(0, 6)
				.flatMap((i) -> client.get().uri(server.url("/slow?ms=50&secret=hunter2")).retrieve().bodyToMono(String.class), 3)
				.blockLast(Duration.ofSeconds(10));
			String json = conntrace();
			System.out.println("actuator conntrace: " + json);
			String pool = "$.pools[?(@.remote == '127.0.0.1:" + server.port() + "')]";
			List<Map<String, Object>> connections = JsonPath.read(json, pool + ".connections[*]");
			assertThat(connections).hasSize(server.accepted());
			assertThat(connections).allSatisfy((connection) -> {
				assertThat(connection.get("state")).isEqualTo("idle");
				assertThat(connection.get("protocol")).isEqualTo("1.1");
				assertThat((Integer) connection.get("localPort")).isPositive();
			});
			assertThat(connections.stream().mapToInt((connection) -> (Integer) connection.get("requests")).sum())
				.isEqualTo(6);
			assertThat(JsonPath.<List<Integer>>read(json, pool + ".limits.maxConnections")).containsExactly(50);
			assertThat(JsonPath.<List<Integer>>read(json, pool + ".idle")).containsExactly(server.accepted());
			assertThat(json).doesNotContain("secret").doesNotContain("hunter2");
			// Idle eviction closes them; the list follows.
			Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
					JsonPath.<List<Object>>read(conntrace(), pool + ".connections[*]")).isEmpty());
			assertThat(server.closed()).isEqualTo(server.accepted());
		}
	}

	@Test
	void fullPoolShowsPendingRequestsAndTheirGrowingWait() throws Exception {
		try (CountingServer server = CountingServer.http()) {
			start("conntrace.pool.max-connections=1");
			WebClient client = this.context.getBean(WebClient.Builder.class).build();
			List<Mono<String>> slow = List.of(hold(client, server), hold(client, server), hold(client, server));
			String pool = "$.pools[?(@.remote == '127.0.0.1:" + server.port() + "')]";
			Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(
					() -> assertThat(JsonPath.<List<Integer>>read(conntrace(), pool + ".pending")).containsExactly(2));
			String first = conntrace();
			System.out.println("actuator conntrace, full pool: " + first);
			double firstWait = JsonPath.<List<Double>>read(first, pool + ".longestWaitMs").get(0);
			assertThat(JsonPath.<List<Integer>>read(first, pool + ".active")).containsExactly(1);
			List<Map<String, Object>> connections = JsonPath.read(first, pool + ".connections[*]");
			assertThat(connections).singleElement().satisfies((connection) -> {
				assertThat(connection.get("state")).isEqualTo("active");
				// Paths only where the application allows them (management.endpoint.conntrace.show-values).
				assertThat(connection.get("request")).isEqualTo("GET ******");
			});
			Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
					JsonPath.<List<Double>>read(conntrace(), pool + ".longestWaitMs").get(0)).isGreaterThan(firstWait + 50));
			slow.forEach((request) -> assertThat(request.block(Duration.ofSeconds(10))).isEqualTo("slow"));
			assertThat(server.accepted()).isEqualTo(1);
		}
	}

	@ParameterizedTest
	@CsvSource({ "never, GET ******", "when-authorized, GET ******", "always, GET /slow" })
	void requestPathsFollowShowValues(String showValues, String request) throws Exception {
		try (CountingServer server = CountingServer.http()) {
			start("management.endpoint.conntrace.show-values=" + showValues);
			Mono<String> slow = hold(this.context.getBean(WebClient.Builder.class).build(), server);
			String connections = "$.pools[?(@.remote == '127.0.0.1:" + server.port() + "')].connections[*].request";
			// Over the web without a user: when-authorized shows nothing either.
			Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(
					() -> assertThat(JsonPath.<List<String>>read(conntrace(), connections)).containsExactly(request));
			assertThat(slow.block(Duration.ofSeconds(10))).isEqualTo("slow");
		}
	}

	private static Mono<String> hold(WebClient client, CountingServer server) {
		Mono<String> request = client.get().uri(server.url("/slow?ms=800")).retrieve().bodyToMono(String.class).cache();
		request.subscribe();
		return request;
	}

	private void start(String... properties) {
		SpringApplication application = new SpringApplication(App.class);
		application.setWebApplicationType(WebApplicationType.REACTIVE);
		String[] args = new String[properties.length + 4];
		args[0] = "--server.port=0";
		args[1] = "--server.address=127.0.0.1";
		args[2] = "--management.endpoints.web.exposure.include=conntrace";
		args[3] = "--management.tracing.enabled=false";
		for (int i = 0; i < properties.length; i++) {
			args[4 + i] = "--" + properties[i];
		}
		this.context = application.run(args);
	}

	private String conntrace() throws Exception {
		int port = ((WebServerApplicationContext) this.context).getWebServer().getPort();
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/conntrace")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		return response.body();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

	}

}
