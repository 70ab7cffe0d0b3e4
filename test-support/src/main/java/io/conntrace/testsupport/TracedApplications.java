package io.conntrace.testsupport;

import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Whole applications as users run them, for the modules that test conntrace on class paths of their own: started
 * on a random port with every request sampled and nothing exported.
 */
public final class TracedApplications {

	private TracedApplications() {
	}

	/**
	 * Start an application.
	 * @param application its {@code @SpringBootApplication} class
	 * @param properties more properties, {@code name=value}
	 * @return the running application
	 */
	public static ConfigurableApplicationContext start(Class<?> application, String... properties) {
		List<String> all = new ArrayList<>(List.of("server.port=0", "management.tracing.sampling.probability=1.0",
				"management.tracing.export.enabled=false", "spring.main.banner-mode=off"));
		all.addAll(List.of(properties));
		return new SpringApplicationBuilder(application).properties(all.toArray(new String[0])).run();
	}

	/**
	 * Return how many connections Reactor Netty's pools hold idle now, by their gauges: release is asynchronous, so
	 * a test that needs a connection reused waits for this.
	 * @param registry the application's meters
	 * @return idle connections of every pool
	 */
	public static double idleConnections(MeterRegistry registry) {
		return registry.find("reactor.netty.connection.provider.idle.connections")
			.gauges()
			.stream()
			.mapToDouble(Gauge::value)
			.sum();
	}

}
