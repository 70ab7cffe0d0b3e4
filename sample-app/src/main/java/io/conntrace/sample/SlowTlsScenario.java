package io.conntrace.sample;

import java.util.List;

import io.conntrace.testsupport.DelayingProxy;
import reactor.core.publisher.Mono;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A new TLS connection through a proxy that holds the server's first bytes, the ServerHello, for a
 * while: a slow handshake on a fast TCP connect.
 */
@Component
final class SlowTlsScenario implements Scenario, AutoCloseable {

	private final TargetServer target = TargetServer.https();

	private final DelayingProxy proxy;

	private final OwnPoolClients clients;

	private final SampleProperties properties;

	SlowTlsScenario(WebClient.Builder builder, SampleProperties properties) {
		this.proxy = new DelayingProxy(this.target.port(), properties.tlsDelay());
		this.clients = new OwnPoolClients(builder);
		this.properties = properties;
	}

	@Override
	public String name() {
		return "slow-tls";
	}

	@Override
	public String lookFor() {
		return "first request: tls_ms >= " + this.properties.tlsDelay().toMillis()
				+ " while connect_ms stays small; network.peer.port is the proxy's, " + proxyPort();
	}

	@Override
	public TargetServer target() {
		return this.target;
	}

	/** The port the client connects to: the proxy's, not the TLS server's. */
	int proxyPort() {
		return this.proxy.port();
	}

	@Override
	public Mono<List<String>> run() {
		String url = "https://127.0.0.1:" + proxyPort() + "/";
		return this.clients.withNewPool(() -> ConnectionProvider.builder("slow-tls").maxConnections(1),
				OwnPoolClients::trustingDemoCertificates,
				(client) -> Requests.sequential(client, url, 2, this.properties.pause()));
	}

	@Override
	public void close() {
		this.proxy.close();
		this.target.close();
	}

}
