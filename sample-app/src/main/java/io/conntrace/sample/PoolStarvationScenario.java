package io.conntrace.sample;

import java.time.Duration;
import java.util.List;

import io.conntrace.autoconfigure.pool.ConntraceEndpoint;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A burst of concurrent requests to a slow endpoint through conntrace's own pool, limited for this server
 * ({@code conntrace.pool.hosts.[127.0.0.1:<port>].*}, see {@link StarvationPool}) to fewer connections
 * than the burst: most requests queue for a connection, and the last two find the queue full. The
 * queueing is invisible in the response time alone; the spans show it as pool wait, the failed requests
 * say why, a WARN names what held the connections, and halfway through the burst the scenario looks at
 * the pool the way {@code GET /actuator/conntrace} shows it.
 */
@Component
final class PoolStarvationScenario implements Scenario, AutoCloseable {

	private final TargetServer target;

	private final WebClient client;

	private final SampleProperties properties;

	private final ObjectProvider<ConntraceEndpoint> endpoint;

	private volatile @Nullable Object snapshot;

	PoolStarvationScenario(WebClient.Builder builder, SampleProperties properties,
			ObjectProvider<ConntraceEndpoint> endpoint) {
		this.target = TargetServer.http(properties.slowResponse(), properties.starvationPort());
		this.client = builder.build();
		this.properties = properties;
		this.endpoint = endpoint;
	}

	@Override
	public String name() {
		return "pool-starvation";
	}

	@Override
	public String lookFor() {
		int queued = this.properties.starvationBurst() - this.properties.starvationPoolSize() - 2;
		return this.properties.starvationBurst() + " requests share " + this.properties.starvationPoolSize()
				+ " connections with room for " + queued + " in the queue: conntrace.pool.wait_ms grows in steps of about "
				+ this.properties.slowResponse().toMillis() + " ms on the queued ones; the last two are turned away "
				+ "and their errors say why (and one WARN in the log names the requests holding the connections); "
				+ "'pool' is the pool as GET /actuator/conntrace showed it halfway through";
	}

	@Override
	public TargetServer target() {
		return this.target;
	}

	@Override
	public Mono<List<String>> run() {
		int burst = this.properties.starvationBurst();
		int poolSize = this.properties.starvationPoolSize();
		String url = this.target.url("/slow");
		// First as many requests as the pool has connections; once they hold them, the rest of the burst,
		// which queues and overflows while the first are still being answered.
		Flux<String> holders = Flux.range(0, poolSize).flatMap((index) -> Requests.get(this.client, url), poolSize);
		Flux<String> rest = whenConnectionsHeld(poolSize).thenMany(Flux.merge(
				Flux.range(0, burst - poolSize).flatMap((index) -> Requests.get(this.client, url), burst),
				Mono.delay(Duration.ofMillis(20)).map((tick) -> look()).then(Mono.empty())));
		return Flux.merge(holders, rest).collectList();
	}

	/** Polls the pool, as the endpoint shows it, until the first requests hold every connection. */
	private Mono<Long> whenConnectionsHeld(int poolSize) {
		return Flux.interval(Duration.ofMillis(10))
			.filter((tick) -> look() && this.snapshot instanceof ConntraceEndpoint.Pool pool && pool.active() >= poolSize)
			.next()
			.timeout(Duration.ofSeconds(5), Mono.just(0L));
	}

	/** The target's entry of {@code /actuator/conntrace}, read through the endpoint's own bean. */
	private boolean look() {
		ConntraceEndpoint endpoint = this.endpoint.getIfAvailable();
		if (endpoint != null) {
			String remote = "127.0.0.1:" + this.target.port();
			this.snapshot = endpoint.pools(SecurityContext.NONE)
				.pools()
				.stream()
				.filter((pool) -> pool.remote().equals(remote))
				.findFirst()
				.orElse(null);
		}
		return true;
	}

	@Override
	public @Nullable Object poolSnapshot() {
		return this.snapshot;
	}

	@Override
	public void close() {
		this.target.close();
	}

}
