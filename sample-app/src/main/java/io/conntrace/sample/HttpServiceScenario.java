package io.conntrace.sample;

import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.stereotype.Component;
import org.springframework.web.client.support.RestClientHttpServiceGroupConfigurer;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;
import org.springframework.web.service.registry.ImportHttpServices;

/**
 * Three calls, a pause apart, through an HTTP service interface of Boot's default type (RestClient), declared with
 * {@code @ImportHttpServices} as an application does: its calls carry conntrace's facts too.
 */
@Component
final class HttpServiceScenario implements Scenario, AutoCloseable {

	static final String GROUP = "scenario-target";

	private final TargetServer target = TargetServer.http();

	private final ObjectProvider<TargetService> service;

	private final SampleProperties properties;

	HttpServiceScenario(ObjectProvider<TargetService> service, SampleProperties properties) {
		this.service = service;
		this.properties = properties;
	}

	@Override
	public String name() {
		return "http-service";
	}

	@Override
	public String lookFor() {
		return "the HTTP service interface's spans (http get) with conntrace's facts: one new connection, then reused="
				+ "true with idle_ms about the pause of " + this.properties.pause().toMillis() + " ms";
	}

	@Override
	public TargetServer target() {
		return this.target;
	}

	@Override
	public Mono<List<String>> run() {
		TargetService service = this.service.getObject();
		return Calls.sequential("GET " + this.target.url("/") + " (TargetService.root)",
				() -> service.root().getStatusCode(), 3, this.properties.pause());
	}

	@Override
	public void close() {
		this.target.close();
	}

	/** The scenario's server as an HTTP service interface. */
	@HttpExchange
	interface TargetService {

		@GetExchange("/")
		org.springframework.http.ResponseEntity<Void> root();

	}

	/** The group's base URL is the scenario server's, known once it has started. */
	@Configuration(proxyBeanMethods = false)
	@ImportHttpServices(group = GROUP, types = TargetService.class)
	static class TargetServiceConfiguration {

		@Bean
		RestClientHttpServiceGroupConfigurer scenarioTargetBaseUrl(ObjectProvider<HttpServiceScenario> scenario) {
			return (groups) -> groups.filterByName(GROUP)
				.forEachClient((group, builder) -> builder.baseUrl(scenario.getObject().target().url("")));
		}

	}

}
