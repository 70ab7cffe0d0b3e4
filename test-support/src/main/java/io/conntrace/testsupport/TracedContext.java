package io.conntrace.testsupport;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.TraceContext;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.awaitility.Awaitility;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.HttpProtocol;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.reactive.ClientHttpConnectorBuilderCustomizer;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.http.client.reactive.ReactorClientHttpConnectorBuilder;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.brave.autoconfigure.BraveAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.boot.webclient.autoconfigure.WebClientObservationAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;

/**
 * A real application context as a traced Boot app has it: Boot's own observation, Brave tracing,
 * HTTP client and WebClient auto-configurations, every request sampled, plus conntrace. Finished
 * spans are kept by a {@link SpanHandler} bean, which Boot adds to its Brave tracer.
 */
public final class TracedContext {

	/** Boot's observation, Brave tracing, HTTP client and WebClient auto-configurations. */
	public static final AutoConfigurations BOOT = AutoConfigurations.of(ObservationAutoConfiguration.class,
			MicrometerTracingAutoConfiguration.class, BraveAutoConfiguration.class, HttpClientAutoConfiguration.class,
			ReactiveHttpClientAutoConfiguration.class, WebClientAutoConfiguration.class,
			WebClientObservationAutoConfiguration.class);

	/** Boot's metrics with a SimpleMeterRegistry, as an app with actuator has them. */
	public static final AutoConfigurations METRICS = AutoConfigurations.of(MetricsAutoConfiguration.class,
			CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class);

	/**
	 * conntrace's auto-configurations that {@link #CONNTRACE} leaves out: the request log, the actuator endpoint and
	 * the gateway support, which a test that needs them adds itself.
	 */
	private static final Set<String> LEFT_OUT = Set.of("io.conntrace.autoconfigure.log.RequestLogAutoConfiguration",
			"io.conntrace.autoconfigure.pool.ConntraceEndpointAutoConfiguration",
			"io.conntrace.autoconfigure.gateway.GatewayConnectionAutoConfiguration");

	/**
	 * All of conntrace as the starter brings it, but {@link #LEFT_OUT}: read by name from conntrace's
	 * {@code AutoConfiguration.imports}, as this module depends on no conntrace module.
	 */
	public static final AutoConfigurations CONNTRACE = conntrace();

	private TracedContext() {
	}

	/** A runner with Boot's tracing and HTTP clients, all of {@link #CONNTRACE}, and spans kept in memory. */
	public static ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(BOOT)
			.withConfiguration(CONNTRACE)
			.withPropertyValues("management.tracing.sampling.probability=1.0")
			.withUserConfiguration(SpanCapture.class);
	}

	/**
	 * Return a runner whose Boot WebClient speaks HTTP/2 as a user switches it: h2c with prior knowledge, or h2 over
	 * TLS trusting the test servers' self-signed certificates.
	 * @param runner the runner to switch
	 * @param tls whether over TLS (h2) or not (h2c)
	 * @return the runner with the connector customizer
	 */
	public static ApplicationContextRunner http2(ApplicationContextRunner runner, boolean tls) {
		ClientHttpConnectorBuilderCustomizer<ReactorClientHttpConnectorBuilder> customizer = (builder) -> builder
			.withHttpClientCustomizer((client) -> tls ? client.protocol(HttpProtocol.H2)
				.secure((spec) -> spec.sslContext(Http2SslContextSpec.forClient()
					.configure((ssl) -> ssl.trustManager(InsecureTrustManagerFactory.INSTANCE))))
					: client.protocol(HttpProtocol.H2C));
		return runner.withBean("http2", ClientHttpConnectorBuilderCustomizer.class, () -> customizer);
	}

	private static AutoConfigurations conntrace() {
		ClassLoader classLoader = TracedContext.class.getClassLoader();
		List<String> all = ImportCandidates.load(AutoConfiguration.class, classLoader)
			.getCandidates()
			.stream()
			.filter((name) -> name.startsWith("io.conntrace."))
			.toList();
		// A renamed one would otherwise slip in unnoticed.
		Assert.state(all.containsAll(LEFT_OUT), () -> "Not all of " + LEFT_OUT + " are among " + all);
		return AutoConfigurations.of(all.stream()
			.filter((name) -> !LEFT_OUT.contains(name))
			.map((name) -> ClassUtils.resolveClassName(name, classLoader))
			.toArray(Class<?>[]::new));
	}

	/** Keeps the application's finished spans in a {@link CapturedSpans} bean. */
	@Configuration(proxyBeanMethods = false)
	public static class SpanCapture {

		@Bean
		CapturedSpans capturedSpans() {
			return new CapturedSpans();
		}

	}

	/** The spans the application's Brave tracer finished, in the order they finished. */
	public static final class CapturedSpans extends SpanHandler {

		private final ConcurrentLinkedQueue<MutableSpan> spans = new ConcurrentLinkedQueue<>();

		@Override
		public boolean end(TraceContext context, MutableSpan span, Cause cause) {
			this.spans.add(span);
			return true;
		}

		/** Every span finished so far. */
		public List<MutableSpan> all() {
			return List.copyOf(this.spans);
		}

		/** The client spans finished so far: one per request sent. */
		public List<MutableSpan> client() {
			return kind(brave.Span.Kind.CLIENT);
		}

		/**
		 * The client spans, once at least {@code expected} have finished (10 s at most): a span ends just after its
		 * response reached the caller.
		 */
		public List<MutableSpan> client(int expected) {
			Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> client().size() >= expected);
			return client();
		}

		/** The server spans finished so far: one per request the application served. */
		public List<MutableSpan> server() {
			return kind(brave.Span.Kind.SERVER);
		}

		/** Forget the spans finished so far. */
		public void clear() {
			this.spans.clear();
		}

		private List<MutableSpan> kind(brave.Span.Kind kind) {
			return this.spans.stream().filter((span) -> span.kind() == kind).toList();
		}

	}

}
