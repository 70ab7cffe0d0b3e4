package io.conntrace.benchmarks;

import java.net.URI;
import java.time.Duration;
import java.util.function.Function;

import io.conntrace.metrics.PoolMeterRegistrar;
import io.conntrace.trace.ConnectionTracing;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * One variant's WebClient for one of the servers, on a connection pool of its own. Everything that
 * differs between variants is decided here, once, so the load driver sends the same request to all.
 */
final class BenchmarkClient implements AutoCloseable {

	/** Far more than the highest concurrency: no request ever waits for a pool slot. */
	private static final int MAX_CONNECTIONS = 64;

	private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(10);

	/** Reads the whole body, as an application would, and gives back the status. */
	private static final Function<ClientResponse, Mono<Integer>> READ = (response) -> response
		.bodyToMono(String.class)
		.then(Mono.just(response.statusCode().value()));

	private final ConnectionProvider pool;

	private final WebClient webClient;

	private final URI uri;

	private BenchmarkClient(VariantResources resources, URI uri, boolean tls) {
		Variant variant = resources.variant();
		this.uri = uri;
		this.pool = pool(resources, tls);
		HttpClient httpClient = HttpClient.create(this.pool).responseTimeout(RESPONSE_TIMEOUT);
		if (tls) {
			httpClient = httpClient.secure((spec) -> spec.sslContext(Http11SslContextSpec.forClient()
				.configure((builder) -> builder.trustManager(InsecureTrustManagerFactory.INSTANCE))));
		}
		if (variant == Variant.REACTOR_NETTY_METRICS) {
			// Identity: the URIs are all "/", so the uri tag cannot explode.
			httpClient = httpClient.metrics(true, Function.identity());
		}
		ConnectionTracing connectionTracing = resources.connectionTracing();
		if (connectionTracing != null) {
			httpClient = connectionTracing.apply(httpClient);
		}
		WebClient.Builder builder = WebClient.builder()
			.clientConnector(new ReactorClientHttpConnector(httpClient))
			.observationRegistry(resources.observations());
		if (variant == Variant.NEW_CONNECTION) {
			builder.defaultHeader(HttpHeaders.CONNECTION, "close");
		}
		this.webClient = builder.build();
	}

	static BenchmarkClient create(VariantResources resources, LocalServer server, boolean tls) {
		return new BenchmarkClient(resources, server.uri(tls), tls);
	}

	private static ConnectionProvider pool(VariantResources resources, boolean tls) {
		Variant variant = resources.variant();
		ConnectionProvider.Builder builder = ConnectionProvider
			.builder("benchmark-" + variant.number() + (tls ? "-https" : "-http"))
			.maxConnections(MAX_CONNECTIONS);
		PoolMeterRegistrar poolMeters = resources.poolMeters();
		if (poolMeters != null) {
			builder.metrics(true, () -> poolMeters);
		}
		else if (variant == Variant.REACTOR_NETTY_METRICS) {
			builder.metrics(true);
		}
		return builder.build();
	}

	/** One GET of the server's fixed body; emits the response status. */
	Mono<Integer> get() {
		return this.webClient.get().uri(this.uri).exchangeToMono(READ);
	}

	@Override
	public void close() {
		this.pool.disposeLater().block(Duration.ofSeconds(10));
	}

}
