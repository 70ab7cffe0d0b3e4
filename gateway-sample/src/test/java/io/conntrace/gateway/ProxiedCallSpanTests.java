package io.conntrace.gateway;

import java.time.Duration;
import java.util.List;

import brave.handler.MutableSpan;
import io.conntrace.testsupport.TracedContext.CapturedSpans;
import io.conntrace.testsupport.TracedContext.SpanCapture;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real gateway in front of a real backend: each proxied call's facts are on the gateway's CLIENT span,
 * none on its server span, and the calls that say {@code reused=false} are exactly the connections the
 * backend accepted.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.tracing.export.zipkin.enabled=false", "gateway-sample.backend.idle-timeout=30s" })
@Import({ SpanCapture.class, ProxiedCallSpanTests.ForwardRoute.class })
class ProxiedCallSpanTests {

	@LocalServerPort
	private int port;

	@Autowired
	private Backend backend;

	@Autowired
	private CapturedSpans spans;

	@Autowired
	private MeterRegistry meters;

	/** The caller in front of the gateway, not instrumented: a plain client with its own pool. */
	private final HttpClient caller = HttpClient.create();

	@BeforeEach
	void clear() {
		this.spans.clear();
	}

	@Test
	void factsLandOnTheProxiedCallsSpanAndReusedFalseEqualsSocketsAccepted() {
		int acceptedBefore = this.backend.accepted();
		double openedBefore = newConnectionsCounted();
		for (int i = 0; i < 20; i++) {
			assertThat(get("/api/sequential")).startsWith("hello");
		}
		List<String> concurrent = Flux.range(0, 20).flatMap((i) -> this.caller.get()
			.uri("http://127.0.0.1:" + this.port + "/api/slow?ms=50")
			.responseContent()
			.aggregate()
			.asString(), 5).collectList().block(Duration.ofSeconds(30));
		assertThat(concurrent).hasSize(20).allMatch((body) -> body.startsWith("hello"));

		List<MutableSpan> calls = this.spans.client(40);
		// A server span ends after its response reached the caller: wait for the parent of each call.
		List<MutableSpan> served = Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(this.spans::server, (servers) -> servers.size() >= 40 && calls.stream()
				.allMatch((call) -> servers.stream().anyMatch((server) -> server.id().equals(call.parentId()))));
		assertThat(calls).hasSize(40).allSatisfy((call) -> {
			assertThat(call.tag("conntrace.connection.reused")).isIn("true", "false");
			assertThat(call.tag("conntrace.connection.id")).isNotBlank();
			assertThat(call.tag("conntrace.acquire_ms")).isNotNull();
		});
		assertThat(served).allSatisfy((span) -> assertThat(span.tags().keySet())
			.noneMatch((key) -> key.startsWith("conntrace.")));
		long opened = calls.stream().filter((call) -> "false".equals(call.tag("conntrace.connection.reused"))).count();
		int accepted = this.backend.accepted() - acceptedBefore;
		System.out.printf("gateway spans: %d proxied calls, reused=false on %d, backend accepted %d sockets%n",
				calls.size(), opened, accepted);
		assertThat(opened).isEqualTo(accepted).isBetween(1L, 5L);
		// The meters count the gateway's connections too, and Reactor Netty's gauges name its pool.
		assertThat(newConnectionsCounted() - openedBefore).isEqualTo(accepted);
		assertThat(this.meters.get("reactor.netty.connection.provider.total.connections").tag("name", "proxy").gauges())
			.isNotEmpty();
		// conntrace's timer runs in the gateway's pool: a new connection's setup is told from queueing.
		assertThat(calls).filteredOn((call) -> "false".equals(call.tag("conntrace.connection.reused")))
			.allSatisfy((call) -> {
				assertThat(call.tag("conntrace.connect_ms")).isNotNull();
				assertThat(call.tag("conntrace.setup_ms")).isNotNull();
				assertThat(call.tag("conntrace.pool.wait_ms")).isNotNull();
			});
	}

	@Test
	void aForwardRoutesOwnWebClientKeepsItsFacts() {
		assertThat(get("/forwarded")).startsWith("hello");
		List<MutableSpan> calls = this.spans.client(1);
		// No gateway call (a forward: route): the one client span is the local handler's WebClient request.
		assertThat(calls).singleElement().satisfies((call) -> {
			assertThat(call.tag("conntrace.connection.id")).isNotBlank();
			assertThat(call.tag("http.url")).contains("/api/from-local-handler");
		});
	}

	@Test
	void aRetryFilterMakesOneCallSpanPerTryEachWithItsOwnConnectionsFacts() {
		int acceptedBefore = this.backend.accepted();
		assertThat(get("/retrying/unavailable-once")).startsWith("hello");
		List<MutableSpan> calls = this.spans.client(2);
		assertThat(calls).hasSize(2);
		assertThat(calls).extracting((call) -> call.tag("http.status_code")).containsExactly("503", "200");
		assertThat(calls).allSatisfy((call) -> assertThat(call.tag("conntrace.connection.id")).isNotBlank());
		long opened = calls.stream().filter((call) -> "false".equals(call.tag("conntrace.connection.reused"))).count();
		assertThat(opened).isEqualTo(this.backend.accepted() - acceptedBefore);
	}

	@Test
	void theEndpointListsTheGatewaysPoolUnderItsOwnName() {
		get("/api/for-the-endpoint");
		String pools = get("/actuator/conntrace");
		System.out.println("gateway /actuator/conntrace: " + pools);
		assertThat(pools).contains("\"remote\":\"127.0.0.1:" + this.backend.port() + "\"")
			// With the forward route's WebClient calling the same backend, one entry names both pools.
			.containsPattern("\"name\":\"(conntrace, )?proxy\"")
			// Its limits are the gateway's properties, not conntrace.pool.*: the endpoint does not claim them.
			.doesNotContain("maxConnections")
			.contains("\"state\":\"idle\"");
	}

	/** A forward: route to a local handler that calls the backend with Boot's WebClient. */
	@TestConfiguration(proxyBeanMethods = false)
	static class ForwardRoute {

		@Bean
		RouteLocator forwardRoute(RouteLocatorBuilder routes) {
			return routes.routes().route("forwarded", (route) -> route.path("/forwarded").uri("forward:/local")).build();
		}

		@Bean
		RouterFunction<ServerResponse> localHandler(WebClient.Builder webClient, Backend backend) {
			WebClient client = webClient.baseUrl(backend.url()).build();
			return RouterFunctions.route(RequestPredicates.GET("/local"), (request) -> client.get()
				.uri("/api/from-local-handler")
				.retrieve()
				.bodyToMono(String.class)
				.flatMap((body) -> ServerResponse.ok().bodyValue(body)));
		}

	}

	private double newConnectionsCounted() {
		Counter counter = this.meters.find("conntrace.requests")
			.tag("server.port", Integer.toString(this.backend.port()))
			.tag("reused", "false")
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	private String get(String path) {
		return this.caller.get()
			.uri("http://127.0.0.1:" + this.port + path)
			.responseContent()
			.aggregate()
			.asString()
			.block(Duration.ofSeconds(10));
	}

}
