package io.conntrace.reactive;

import io.conntrace.autoconfigure.trace.TracedApplications;
import io.conntrace.autoconfigure.trace.TracedContext.CapturedSpans;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;
import org.springframework.web.service.registry.ImportHttpServices;

/**
 * A Spring WebFlux application that calls out with Boot's RestClient.Builder and an HTTP service interface of the
 * default type: every request sampled, spans kept in memory (and not exported).
 */
@SpringBootApplication
@ImportHttpServices(group = "counting", types = ReactiveApp.CountingService.class)
public class ReactiveApp {

	@Bean
	CapturedSpans capturedSpans() {
		return new CapturedSpans();
	}

	static ConfigurableApplicationContext start(String... properties) {
		return TracedApplications.start(ReactiveApp.class, properties);
	}

	@HttpExchange
	public interface CountingService {

		@GetExchange("/")
		String root();

	}

}
