package io.conntrace.reactive;

import java.util.concurrent.atomic.AtomicInteger;

import io.conntrace.testsupport.TracedApplications;
import io.conntrace.testsupport.TracedContext.SpanCapture;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.http.client.ReactorClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;
import org.springframework.web.service.registry.ImportHttpServices;

/**
 * A Spring WebFlux application that calls out with Boot's RestClient.Builder and an HTTP service interface of the
 * default type: every request sampled, spans kept in memory (and not exported).
 */
@SpringBootApplication
@Import(SpanCapture.class)
@ImportHttpServices(group = "counting", types = ReactiveApp.CountingService.class)
public class ReactiveApp {

	/** An application's own customizer, which Boot alone would not apply in a reactive application. */
	@Bean
	CountingCustomizer countingCustomizer() {
		return new CountingCustomizer();
	}

	static final class CountingCustomizer
			implements ClientHttpRequestFactoryBuilderCustomizer<ReactorClientHttpRequestFactoryBuilder> {

		final AtomicInteger customized = new AtomicInteger();

		@Override
		public ReactorClientHttpRequestFactoryBuilder customize(ReactorClientHttpRequestFactoryBuilder builder) {
			this.customized.incrementAndGet();
			return builder;
		}

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
