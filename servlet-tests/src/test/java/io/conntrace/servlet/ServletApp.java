package io.conntrace.servlet;

import io.conntrace.testsupport.TracedApplications;
import io.conntrace.testsupport.TracedContext.SpanCapture;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;
import org.springframework.web.service.registry.ImportHttpServices;

/**
 * A Spring MVC application as a user writes one: Boot's RestClient.Builder and RestTemplateBuilder, an HTTP service
 * interface of the default type, every request sampled, spans kept in memory (and not exported).
 */
@SpringBootApplication
@Import(SpanCapture.class)
@ImportHttpServices(group = "counting", types = ServletApp.CountingService.class)
public class ServletApp {

	static ConfigurableApplicationContext start(String... properties) {
		return TracedApplications.start(ServletApp.class, properties);
	}

	/** The counting server as an HTTP service interface; its base URL comes from {@code spring.http.serviceclient.counting.base-url}. */
	@HttpExchange
	public interface CountingService {

		@GetExchange("/")
		String root();

	}

}
