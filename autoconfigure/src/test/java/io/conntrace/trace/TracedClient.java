package io.conntrace.trace;

import java.time.Duration;
import java.util.function.UnaryOperator;

import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * A WebClient on an instrumented Reactor Netty client with a pool of its own, disposed on close, so
 * each test counts only its own connections.
 */
final class TracedClient implements AutoCloseable {

	private final ConnectionProvider provider;

	private final WebClient webClient;

	TracedClient(ObservationRegistry registry, ConnectionProvider provider, UnaryOperator<HttpClient> customizer) {
		this.provider = provider;
		HttpClient client = HttpClient.create(provider)
			.secure((spec) -> spec.sslContext(Http11SslContextSpec.forClient()
				.configure((builder) -> builder.trustManager(InsecureTrustManagerFactory.INSTANCE))))
			.responseTimeout(Duration.ofSeconds(10));
		client = ConnectionTracing.instrument(customizer.apply(client));
		this.webClient = WebClient.builder()
			.observationRegistry(registry)
			.clientConnector(new ReactorClientHttpConnector(client))
			.build();
	}

	TracedClient(ObservationRegistry registry) {
		this(registry, ConnectionProvider.create("test", 50), UnaryOperator.identity());
	}

	WebClient webClient() {
		return this.webClient;
	}

	String get(String url) {
		return this.webClient.get().uri(url).retrieve().bodyToMono(String.class).block(Duration.ofSeconds(20));
	}

	@Override
	public void close() {
		this.provider.disposeLater().block(Duration.ofSeconds(10));
	}

}
