package io.conntrace.sample;

import java.time.Duration;
import java.util.List;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A burst of concurrent requests to a slow endpoint through a pool too small for it: most requests
 * queue for a connection, and the queueing is invisible in the response time alone.
 */
@Component
final class PoolStarvationScenario implements Scenario, AutoCloseable {

	private final TargetServer target;

	private final OwnPoolClients clients;

	private final SampleProperties properties;

	PoolStarvationScenario(WebClient.Builder builder, SampleProperties properties) {
		this.target = TargetServer.http(properties.slowResponse());
		this.clients = new OwnPoolClients(builder);
		this.properties = properties;
	}

	@Override
	public String name() {
		return "pool-starvation";
	}

	@Override
	public String lookFor() {
		return this.properties.starvationBurst() + " requests share " + this.properties.starvationPoolSize()
				+ " connections: conntrace.pool.wait_ms grows in steps of about " + this.properties.slowResponse().toMillis()
				+ " ms while acquire_ms equals it on reused connections";
	}

	@Override
	public TargetServer target() {
		return this.target;
	}

	@Override
	public Mono<List<String>> run() {
		int burst = this.properties.starvationBurst();
		String url = this.target.url("/slow");
		return this.clients.withNewPool(this::smallPool, (client) -> client,
				(client) -> Flux.range(0, burst).flatMap((index) -> Requests.get(client, url), burst).collectList());
	}

	private ConnectionProvider.Builder smallPool() {
		int burst = this.properties.starvationBurst();
		return ConnectionProvider.builder("pool-starvation")
			.maxConnections(this.properties.starvationPoolSize())
			// Reactor Netty's default queue is twice the pool size; this burst would overflow it.
			.pendingAcquireMaxCount(burst)
			.pendingAcquireTimeout(Duration.ofSeconds(10));
	}

	@Override
	public void close() {
		this.target.close();
	}

}
