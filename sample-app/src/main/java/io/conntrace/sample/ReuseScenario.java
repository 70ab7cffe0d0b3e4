package io.conntrace.sample;

import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Three requests, a pause apart, through a WebClient from Boot's auto-configured builder, exactly as
 * an application gets one: conntrace is already in it. The first request may open a connection, the
 * others ride the warm one.
 */
@Component
final class ReuseScenario implements Scenario, AutoCloseable {

	private final TargetServer target = TargetServer.http();

	private final WebClient client;

	private final SampleProperties properties;

	ReuseScenario(WebClient.Builder builder, SampleProperties properties) {
		this.client = builder.build();
		this.properties = properties;
	}

	@Override
	public String name() {
		return "reuse";
	}

	@Override
	public String lookFor() {
		return "after the first request conntrace.connection.reused=true on one conntrace.connection.id, requests counting up,"
				+ " idle_ms about the pause of " + this.properties.pause().toMillis() + " ms, and no dns/connect/tls times";
	}

	@Override
	public TargetServer target() {
		return this.target;
	}

	@Override
	public Mono<List<String>> run() {
		return Requests.sequential(this.client, this.target.url("/"), 3, this.properties.pause());
	}

	@Override
	public void close() {
		this.target.close();
	}

}
