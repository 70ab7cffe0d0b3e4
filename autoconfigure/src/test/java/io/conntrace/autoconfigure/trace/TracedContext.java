package io.conntrace.autoconfigure.trace;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.TraceContext;
import io.conntrace.autoconfigure.imperative.ImperativeClientAutoConfiguration;
import io.conntrace.autoconfigure.keepalive.KeepAliveAutoConfiguration;
import io.conntrace.autoconfigure.metrics.ConnectionMetricsAutoConfiguration;
import io.conntrace.autoconfigure.pool.ConnectionPoolAutoConfiguration;
import io.conntrace.autoconfigure.retry.StaleConnectionRetryAutoConfiguration;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.HttpProtocol;

import org.springframework.boot.autoconfigure.AutoConfigurations;
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

/**
 * A real application context as a traced Boot app has it: Boot's own observation, Brave tracing,
 * HTTP client and WebClient auto-configurations, every request sampled, plus conntrace. Finished
 * spans are kept by a {@link SpanHandler} bean, which Boot adds to its Brave tracer.
 */
public final class TracedContext {

	public static final AutoConfigurations BOOT = AutoConfigurations.of(ObservationAutoConfiguration.class,
			MicrometerTracingAutoConfiguration.class, BraveAutoConfiguration.class, HttpClientAutoConfiguration.class,
			ReactiveHttpClientAutoConfiguration.class, WebClientAutoConfiguration.class,
			WebClientObservationAutoConfiguration.class);

	/** Boot's metrics with a SimpleMeterRegistry, as an app with actuator has them. */
	public static final AutoConfigurations METRICS = AutoConfigurations.of(MetricsAutoConfiguration.class,
			CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class);

	/** All of conntrace, as the starter brings it. */
	public static final AutoConfigurations CONNTRACE = AutoConfigurations.of(ConnectionMetricsAutoConfiguration.class,
			ConnectionPoolAutoConfiguration.class, KeepAliveAutoConfiguration.class,
			ConnectionTraceAutoConfiguration.class, StaleConnectionRetryAutoConfiguration.class,
			ImperativeClientAutoConfiguration.class);

	private TracedContext() {
	}

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

	@Configuration(proxyBeanMethods = false)
	static class SpanCapture {

		@Bean
		CapturedSpans capturedSpans() {
			return new CapturedSpans();
		}

	}

	public static final class CapturedSpans extends SpanHandler {

		private final ConcurrentLinkedQueue<MutableSpan> spans = new ConcurrentLinkedQueue<>();

		@Override
		public boolean end(TraceContext context, MutableSpan span, Cause cause) {
			this.spans.add(span);
			return true;
		}

		public List<MutableSpan> all() {
			return List.copyOf(this.spans);
		}

		public List<MutableSpan> client() {
			return this.spans.stream().filter((span) -> span.kind() == brave.Span.Kind.CLIENT).toList();
		}

	}

}
