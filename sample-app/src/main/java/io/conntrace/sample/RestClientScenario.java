package io.conntrace.sample;

import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

/**
 * Three calls, a pause apart, through a RestClient from Boot's auto-configured builder: conntrace traces it as it
 * does WebClient, on the same pool settings. RestClient blocks, so the calls run off the event loop.
 */
@Component
final class RestClientScenario implements Scenario, AutoCloseable {

	private final TargetServer target = TargetServer.http();

	private final RestClient client;

	private final SampleProperties properties;

	RestClientScenario(RestClient.Builder builder, SampleProperties properties) {
		this.client = builder.build();
		this.properties = properties;
	}

	@Override
	public String name() {
		return "rest-client";
	}

	@Override
	public String lookFor() {
		return "RestClient spans (http get) with the same facts as WebClient's: after the first call "
				+ "conntrace.connection.reused=true on one conntrace.connection.id, idle_ms about the pause of "
				+ this.properties.pause().toMillis() + " ms";
	}

	@Override
	public TargetServer target() {
		return this.target;
	}

	@Override
	public Mono<List<String>> run() {
		String url = this.target.url("/");
		return Calls.sequential("GET " + url,
				() -> this.client.get().uri(url).retrieve().toBodilessEntity().getStatusCode(), 3,
				this.properties.pause());
	}

	@Override
	public void close() {
		this.target.close();
	}

}
