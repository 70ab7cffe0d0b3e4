package io.conntrace.sample;

import java.util.List;

import reactor.core.publisher.Mono;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A server that closes idle connections sooner than the client gives them up (Reactor Netty's pool
 * has no idle limit by default): one request, a wait past the server's idle timeout, another request.
 * The endpoint reports what really happened to the second one.
 */
@Component
final class StaleConnectionScenario implements Scenario, AutoCloseable {

	private final TargetServer target;

	private final OwnPoolClients clients;

	private final SampleProperties properties;

	StaleConnectionScenario(WebClient.Builder builder, SampleProperties properties) {
		this.target = TargetServer.closingIdleConnectionsAfter(properties.serverIdleTimeout());
		this.clients = new OwnPoolClients(builder);
		this.properties = properties;
	}

	@Override
	public String name() {
		return "stale-connection";
	}

	@Override
	public String lookFor() {
		return "the server closed the idle connection after " + this.properties.serverIdleTimeout().toMillis()
				+ " ms; the second request either ran on a new connection (reused=false, another connection.id)"
				+ " or failed on the dead one (reused=true, idle_ms about " + this.properties.staleWait().toMillis()
				+ ", an error tag)";
	}

	@Override
	public TargetServer target() {
		return this.target;
	}

	@Override
	public Mono<List<String>> run() {
		return this.clients.withNewPool(() -> ConnectionProvider.builder("stale-connection").maxConnections(1), (client) -> client,
				(client) -> Requests.sequential(client, this.target.url("/"), 2, this.properties.staleWait()));
	}

	@Override
	public void close() {
		this.target.close();
	}

}
