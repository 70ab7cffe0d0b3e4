package io.conntrace.gateway;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts the gateway sample on a free port of 127.0.0.1, exporting no spans unless told to. */
final class TestGateway {

	private static final String EXPORT = "--management.tracing.export.zipkin.enabled";

	private TestGateway() {
	}

	static ConfigurableApplicationContext start(String... arguments) {
		return start(new Class<?>[] { GatewaySampleApplication.class }, arguments);
	}

	static ConfigurableApplicationContext start(Class<?>[] sources, String... arguments) {
		List<String> all = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1"));
		all.addAll(List.of(arguments));
		// A repeated argument would be read as a list: the default only where the test says nothing.
		if (all.stream().noneMatch((argument) -> argument.startsWith(EXPORT))) {
			all.add(EXPORT + "=false");
		}
		return new SpringApplicationBuilder(sources).run(all.toArray(String[]::new));
	}

	static String url(ConfigurableApplicationContext gateway, String path) {
		return "http://127.0.0.1:" + ((WebServerApplicationContext) gateway).getWebServer().getPort() + path;
	}

}
