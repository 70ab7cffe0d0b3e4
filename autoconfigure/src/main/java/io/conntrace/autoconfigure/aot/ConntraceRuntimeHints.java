package io.conntrace.autoconfigure.aot;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;

/**
 * The reflection conntrace's core does, for a native image (registered through {@code META-INF/spring/aot.factories}):
 * <ul>
 * <li>the URI of a request cancelled before any connection was opened for it is read from Reactor Netty's
 * connect {@code Mono} ({@code HttpClientConnect$MonoHttpConnect.config});</li>
 * <li>whether a span's class keeps typed attributes is asked of its {@code tag(String, double)} (the
 * OpenTelemetry bridge's span does);</li>
 * <li>classes looked up by name: Micrometer Tracing's handler (whether spans are there at all), and the
 * Reactor Netty internals checked at startup.</li>
 * </ul>
 * Each only where the type is on the class path; without the hint the feature is off, as without the field.
 */
public final class ConntraceRuntimeHints implements RuntimeHintsRegistrar {

	static final String CONNECT_MONO = "reactor.netty.http.client.HttpClientConnect$MonoHttpConnect";

	static final String OTEL_SPAN = "io.micrometer.tracing.otel.bridge.OtelSpan";

	/** Looked up by name ({@code Class.forName}), members not needed. */
	static final List<String> BY_NAME = List.of("io.micrometer.tracing.handler.TracingObservationHandler",
			"reactor.netty.resources.DefaultPooledConnectionProvider",
			"reactor.netty.internal.shaded.reactor.pool.AbstractPool$Borrower");

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.reflection().registerTypeIfPresent(classLoader, CONNECT_MONO, (type) -> type.withField("config"));
		hints.reflection()
			.registerTypeIfPresent(classLoader, OTEL_SPAN, (type) -> type.withMethod("tag",
					List.of(TypeReference.of(String.class), TypeReference.of(double.class)), ExecutableMode.INVOKE));
		for (String name : BY_NAME) {
			hints.reflection().registerTypeIfPresent(classLoader, name, (type) -> {
			});
		}
	}

}
