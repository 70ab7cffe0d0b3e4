package io.conntrace.sample;

import java.util.List;

import reactor.core.publisher.Mono;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A brand-new TLS connection, then a request that reuses it: the handshake is paid once.
 */
@Component
final class NewTlsScenario implements Scenario, AutoCloseable {

	private final TargetServer target = TargetServer.https();

	private final OwnPoolClients clients;

	private final SampleProperties properties;

	NewTlsScenario(WebClient.Builder builder, SampleProperties properties) {
		this.clients = new OwnPoolClients(builder);
		this.properties = properties;
	}

	@Override
	public String name() {
		return "new-tls";
	}

	@Override
	public String lookFor() {
		return "first request: reused=false with connect_ms, tls_ms, tls.protocol.version and tls.cipher;"
				+ " second: reused=true on the same connection, no tls_ms";
	}

	@Override
	public TargetServer target() {
		return this.target;
	}

	@Override
	public Mono<List<String>> run() {
		return this.clients.withNewPool(() -> ConnectionProvider.builder("new-tls").maxConnections(1),
				OwnPoolClients::trustingDemoCertificates,
				(client) -> Requests.sequential(client, this.target.url("/"), 2, this.properties.pause()));
	}

	@Override
	public void close() {
		this.target.close();
	}

}
