package io.conntrace.gatewaymvc;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import brave.handler.MutableSpan;
import io.conntrace.testsupport.CountingServer;
import io.conntrace.testsupport.TracedApplications;
import io.conntrace.testsupport.TracedContext.CapturedSpans;
import io.conntrace.testsupport.TracedContext.SpanCapture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Spring Cloud Gateway on Spring MVC routes every call to a server that counts its sockets. The gateway proxies
 * through Boot's RestClient, on Reactor Netty (the conntrace starter brings it, the gateway brings no other client):
 * each proxied call's CLIENT span carries the facts of the connection it used, the server's SERVER span none.
 */
class GatewayMvcTests {

	@Test
	void eachProxiedCallsSpanCarriesItsConnectionsFacts() throws Exception {
		try (CountingServer backend = CountingServer.http();
				ConfigurableApplicationContext gateway = TracedApplications.start(GatewayApp.class,
						"spring.cloud.gateway.server.webmvc.routes[0].id=backend",
						"spring.cloud.gateway.server.webmvc.routes[0].uri=" + backend.url(""),
						"spring.cloud.gateway.server.webmvc.routes[0].predicates[0]=Path=/**")) {
			int port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
			HttpClient caller = HttpClient.newHttpClient();
			for (int i = 0; i < 10; i++) {
				HttpResponse<String> response = caller.send(
						HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
						HttpResponse.BodyHandlers.ofString());
				assertThat(response.statusCode()).isEqualTo(200);
				assertThat(response.body()).isEqualTo("ok");
			}
			CapturedSpans spans = gateway.getBean(CapturedSpans.class);
			List<MutableSpan> calls = spans.client(10);
			long fresh = calls.stream().filter((span) -> "false".equals(span.tag("conntrace.connection.reused"))).count();
			System.out.printf("gateway server-webmvc: %d call spans, %d say reused=false, backend accepted %d%n",
					calls.size(), fresh, backend.accepted());
			assertThat(calls).hasSize(10)
				.allSatisfy((span) -> assertThat(span.tag("conntrace.connection.id")).isNotNull());
			assertThat(fresh).isEqualTo(backend.accepted());
			Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> spans.server().size() >= 10);
			assertThat(spans.server()).allSatisfy((span) -> assertThat(span.tags()).noneSatisfy(
					(key, value) -> assertThat(key).startsWith("conntrace.")));
		}
	}

	@SpringBootApplication
	@Import(SpanCapture.class)
	static class GatewayApp {

	}

}
