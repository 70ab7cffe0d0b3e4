package io.conntrace.sample;

import java.util.List;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.Http2AllocationStrategy;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * HTTP/2 over TLS: one request opens the connection, a burst then runs as concurrent streams on it, and
 * a last request after a pause finds it idle. Every span names the same TCP connection; only the first
 * says {@code reused=false}.
 */
@Component
final class Http2Scenario implements Scenario, AutoCloseable {

	private static final int BURST = 5;

	private final TargetServer target;

	private final OwnPoolClients clients;

	private final SampleProperties properties;

	Http2Scenario(WebClient.Builder builder, SampleProperties properties) {
		this.target = TargetServer.http2(properties.slowResponse());
		this.clients = new OwnPoolClients(builder);
		this.properties = properties;
	}

	@Override
	public String name() {
		return "http2";
	}

	@Override
	public String lookFor() {
		return "one conntrace.connection.id on every span, network.protocol.version=2, reused=false and tls_ms on the first"
				+ " only, tls.* on all; the " + BURST + " concurrent streams count conntrace.http2.streams_in_flight,"
				+ " the last request after " + this.properties.pause().toMillis() + " ms has idle_ms";
	}

	@Override
	public TargetServer target() {
		return this.target;
	}

	@Override
	public Mono<List<String>> run() {
		String url = this.target.url("/slow");
		return this.clients.withNewPool(Http2Scenario::pool, OwnPoolClients::trustingDemoCertificatesOverHttp2,
				(client) -> Requests.get(client, url)
					.concatWith(Flux.range(0, BURST).flatMap((index) -> Requests.get(client, url), BURST))
					.concatWith(Mono.delay(this.properties.pause()).then(Requests.get(client, url)))
					.collectList());
	}

	/** Streams on the open connection before another is opened, as conntrace's own pool does by default. */
	private static ConnectionProvider.Builder pool() {
		return ConnectionProvider.builder("http2-demo")
			.allocationStrategy(Http2AllocationStrategy.builder().maxConnections(4).strictConnectionReuse(true).build());
	}

	@Override
	public void close() {
		this.target.close();
	}

}
