package io.conntrace.trace;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.micrometer.observation.ObservationRegistry;
import org.awaitility.Awaitility;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.ConnectionObserver;
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

	private final AtomicInteger released = new AtomicInteger();

	TracedClient(ObservationRegistry registry, ConnectionProvider provider, UnaryOperator<HttpClient> customizer) {
		this(registry, provider, customizer, null);
	}

	TracedClient(ObservationRegistry registry, ConnectionProvider provider, UnaryOperator<HttpClient> customizer,
			ConnectionTracing tracing) {
		this.provider = provider;
		HttpClient client = HttpClient.create(provider)
			.secure((spec) -> spec.sslContext(Http11SslContextSpec.forClient()
				.configure((builder) -> builder.trustManager(InsecureTrustManagerFactory.INSTANCE))))
			.responseTimeout(Duration.ofSeconds(10));
		client = ((tracing != null) ? tracing.apply(customizer.apply(client))
				: ConnectionTracing.instrument(customizer.apply(client)))
			.observe((connection, state) -> {
				if (state == ConnectionObserver.State.RELEASED) {
					this.released.incrementAndGet();
				}
			});
		this.webClient = WebClient.builder()
			.observationRegistry(registry)
			.clientConnector(new ReactorClientHttpConnector(client))
			.build();
	}

	TracedClient(ObservationRegistry registry) {
		this(registry, pool("test", 50), UnaryOperator.identity());
	}

	/** A pool that reports its waits, as conntrace's own does. */
	static ConnectionProvider pool(String name, int maxConnections) {
		return timed(ConnectionProvider.builder(name).maxConnections(maxConnections));
	}

	static ConnectionProvider timed(ConnectionProvider.Builder builder) {
		return ConnectionTracing.waitsTimed(builder.pendingAcquireTimer(ConnectionTracing.pendingAcquireTimer()).build());
	}

	WebClient webClient() {
		return this.webClient;
	}

	String get(String url) {
		return this.webClient.get().uri(url).retrieve().bodyToMono(String.class).block(Duration.ofSeconds(20));
	}

	/**
	 * Send a GET and wait until its connection is back in the pool: release is asynchronous, so a
	 * request sent right after a response may otherwise find no idle connection and open a new one.
	 */
	String getAndAwaitRelease(String url) {
		int before = this.released.get();
		String body = get(url);
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> this.released.get() > before);
		return body;
	}

	@Override
	public void close() {
		this.provider.disposeLater().block(Duration.ofSeconds(10));
	}

}
