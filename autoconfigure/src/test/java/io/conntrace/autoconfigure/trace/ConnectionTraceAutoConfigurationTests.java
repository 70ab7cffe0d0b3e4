package io.conntrace.autoconfigure.trace;

import io.conntrace.trace.ConnectionTracing;
import io.micrometer.observation.ObservationFilter;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.reactive.ClientHttpConnectorBuilderCustomizer;
import org.springframework.boot.http.client.reactive.ReactorClientHttpConnectorBuilder;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When conntrace's trace auto-configuration applies and when it backs off.
 */
class ConnectionTraceAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ConnectionTraceAutoConfiguration.class));

	@Test
	void registersConnectorCustomizerAndPostProcessor() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(ClientHttpConnectorBuilderCustomizer.class);
			assertThat(context).hasSingleBean(WebClientTracingPostProcessor.class);
			assertThat(context).getBean(ObservationFilter.class).isSameAs(ConnectionTracing.observationFilter());
		});
	}

	@Test
	void registersNoSpanFilterWhenTracingIsOff() {
		this.runner.withPropertyValues("conntrace.trace.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(ObservationFilter.class);
			assertThat(context).hasSingleBean(ClientHttpConnectorBuilderCustomizer.class);
		});
	}

	@Test
	void backsOffWhenDisabled() {
		this.runner.withPropertyValues("conntrace.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(ClientHttpConnectorBuilderCustomizer.class);
			assertThat(context).doesNotHaveBean(WebClientTracingPostProcessor.class);
			assertThat(context).doesNotHaveBean(ObservationFilter.class);
		});
	}

	@Test
	void backsOffWithoutWebFlux() {
		this.runner.withClassLoader(new FilteredClassLoader(WebClient.class)).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(WebClientTracingPostProcessor.class);
		});
	}

	@Test
	void backsOffWithoutReactorNetty() {
		this.runner.withClassLoader(new FilteredClassLoader(HttpClient.class)).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(WebClientTracingPostProcessor.class);
		});
	}

	@Test
	void keepsPostProcessorWithoutBootHttpClientModule() {
		this.runner.withClassLoader(new FilteredClassLoader(ReactorClientHttpConnectorBuilder.class)).run((context) -> {
			assertThat(context).doesNotHaveBean(ClientHttpConnectorBuilderCustomizer.class);
			assertThat(context).hasSingleBean(WebClientTracingPostProcessor.class);
		});
	}

}
