package io.conntrace.sample;

import java.util.List;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * One endpoint per scenario, {@code GET /scenarios/<name>}, each a route of its own so that its
 * server span in Zipkin carries the scenario's name; {@code GET /scenarios} lists them.
 */
@Configuration(proxyBeanMethods = false)
class ScenarioEndpoints {

	@Bean
	RouterFunction<ServerResponse> scenarioRoutes(List<Scenario> scenarios, Tracer tracer) {
		RouterFunctions.Builder routes = RouterFunctions.route();
		routes.GET("/scenarios", (request) -> ServerResponse.ok()
			.bodyValue(scenarios.stream().map((scenario) -> "/scenarios/" + scenario.name()).toList()));
		for (Scenario scenario : scenarios) {
			routes.GET("/scenarios/" + scenario.name(), (request) -> {
				String traceId = traceId(tracer);
				int acceptedBefore = scenario.target().accepted();
				return scenario.run()
					.map((requests) -> new ScenarioReport(scenario.name(), traceId, requests,
							scenario.target().accepted() - acceptedBefore, scenario.lookFor(), scenario.poolSnapshot()))
					.flatMap((report) -> ServerResponse.ok().bodyValue(report));
			});
		}
		return routes.build();
	}

	private static String traceId(Tracer tracer) {
		Span span = tracer.currentSpan();
		return (span != null) ? span.context().traceId() : null;
	}

}
