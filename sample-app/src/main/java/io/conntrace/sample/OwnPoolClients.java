package io.conntrace.sample;

import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import io.conntrace.trace.ConnectionTracing;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.tcp.SslProvider.GenericSslContextSpec;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * WebClients on a connection pool of their own, built the way a user builds one on a custom
 * Reactor Netty client: {@code new ReactorClientHttpConnector(ConnectionTracing.instrument(httpClient))}
 * on a builder from Boot's auto-configured {@link WebClient.Builder}, which brings the observation
 * registry. A pool lives for one scenario run, so each run starts with no warm connection.
 */
final class OwnPoolClients {

	private final WebClient.Builder builder;

	OwnPoolClients(WebClient.Builder builder) {
		this.builder = builder;
	}

	/**
	 * Run {@code scenario} with a WebClient on a new pool, and dispose of the pool when it is done.
	 * @param pool the run's pool, built here with conntrace's pending-acquire timer so that its spans tell
	 * the wait for a slot from the pool's setup, as on conntrace's own pool
	 * @param customizer the run's Reactor Netty client settings
	 * @param scenario the requests to send
	 * @return what the scenario returned
	 */
	<T> Mono<T> withNewPool(Supplier<ConnectionProvider.Builder> pool, UnaryOperator<HttpClient> customizer,
			Function<WebClient, Mono<T>> scenario) {
		return Mono.usingWhen(Mono.fromSupplier(() -> ConnectionTracing
			.waitsTimed(pool.get().pendingAcquireTimer(ConnectionTracing.pendingAcquireTimer()).build())),
				(provider) -> scenario.apply(webClient(customizer.apply(HttpClient.create(provider)))),
				ConnectionProvider::disposeLater);
	}

	private WebClient webClient(HttpClient httpClient) {
		HttpClient client = httpClient.responseTimeout(Duration.ofSeconds(10));
		return this.builder.clone()
			.clientConnector(new ReactorClientHttpConnector(ConnectionTracing.instrument(client)))
			.build();
	}

	/**
	 * Trust whatever certificate the server shows. Only for this demo, whose TLS servers run on
	 * 127.0.0.1 with certificates generated at startup; a real client trusts real certificates, for
	 * example through an SSL bundle.
	 */
	static HttpClient trustingDemoCertificates(HttpClient client) {
		return client.secure((spec) -> spec.sslContext(trustAnything(Http11SslContextSpec.forClient())));
	}

	/** The same over HTTP/2 (h2): an SSL context that offers h2 through ALPN. */
	static HttpClient trustingDemoCertificatesOverHttp2(HttpClient client) {
		return client.protocol(HttpProtocol.H2)
			.secure((spec) -> spec.sslContext(trustAnything(Http2SslContextSpec.forClient())));
	}

	private static GenericSslContextSpec<SslContextBuilder> trustAnything(
			GenericSslContextSpec<SslContextBuilder> spec) {
		return spec.configure((builder) -> builder.trustManager(InsecureTrustManagerFactory.INSTANCE));
	}

}
