package io.conntrace.autoconfigure;

import io.conntrace.autoconfigure.keepalive.KeepAliveAutoConfiguration;
import io.conntrace.autoconfigure.metrics.ConnectionMetricsAutoConfiguration;
import io.conntrace.autoconfigure.pool.ConnectionPoolAutoConfiguration;
import io.conntrace.autoconfigure.trace.ConnectionTraceAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Bad {@code conntrace.*} values stop a real application at startup, before any request, with the
 * failure report Boot prints: the property, the value given and the allowed range.
 */
@ExtendWith(OutputCaptureExtension.class)
class InvalidPropertiesTests {

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource(delimiter = '|', textBlock = """
			conntrace.pool.max-connections                    | 0      | 1 or more
			conntrace.pool.max-connections                    | -3     | 1 or more
			conntrace.pool.pending-acquire-max-count          | 0      | 1 or more
			conntrace.pool.pending-acquire-timeout            | -5s    | a positive duration of at least 1ms
			conntrace.pool.max-idle-time                      | -1s    | a positive duration of at least 1ms
			conntrace.pool.max-life-time                      | 0s     | a positive duration of at least 1ms
			conntrace.pool.max-idle-time                      | 500us  | a positive duration of at least 1ms
			conntrace.pool.evict-in-background                | -10s   | a positive duration of at least 1ms
			conntrace.pool.max-idle-time                      | 10m    | at most conntrace.pool.max-life-time (5m)
			conntrace.pool.hosts.[api.example.com].max-connections | 5 | a key 'host:port'
			conntrace.pool.hosts.[api.example.com:99999].max-connections | 5 | a key 'host:port'
			conntrace.pool.hosts.[api.example.com:443].max-connections | 0 | 1 or more
			conntrace.pool.hosts.[api.example.com:443].max-idle-time | 1h | at most conntrace.pool.hosts.[api.example.com:443].max-life-time
			conntrace.pool.http2.max-concurrent-streams       | 0      | 1 or more
			conntrace.pool.http2.min-connections              | 51     | from 0 to conntrace.pool.max-connections (50)
			conntrace.pool.http2.min-connections              | -1     | from 0 to conntrace.pool.max-connections (50)
			conntrace.pool.hosts.[api.example.com:443].http2.max-concurrent-streams | 0 | 1 or more
			conntrace.keep-alive.idle                         | 1500ms | whole seconds from 1s to 32767s
			conntrace.keep-alive.interval                     | 0s     | whole seconds from 1s to 32767s
			conntrace.keep-alive.count                        | 0      | from 1 to 127
			conntrace.metrics.max-servers                     | 0      | from 1 to 10000
			""")
	void outOfRangeValueFailsStartupNamingPropertyValueAndRange(String property, String value, String allowed,
			CapturedOutput output) {
		assertThatThrownBy(() -> start(property + "=" + value)).hasRootCauseInstanceOf(
				InvalidConntracePropertyException.class);
		String reported = property.startsWith("conntrace.pool.hosts.") && allowed.startsWith("a key")
				? property.substring(0, property.lastIndexOf('.')).replace("[", "").replace("]", "") : property;
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Property '" + reported + "'")
			.contains(allowed);
		assertThat(output).contains("Action:").contains("Update '" + reported + "'");
		if (!allowed.startsWith("a key")) {
			assertThat(output).contains("has the value '" + value + "'");
		}
	}

	@Test
	void unknownLeasingStrategyFailsStartupListingTheValidValues(CapturedOutput output) {
		assertThatThrownBy(() -> start("conntrace.pool.leasing-strategy=random")).isNotNull();
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("conntrace.pool.leasing-strategy")
			.contains("random")
			.contains("FIFO")
			.contains("LIFO");
	}

	private static void start(String property) {
		SpringApplication application = new SpringApplication(App.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.run("--" + property, "--spring.main.banner-mode=off");
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
			SimpleMetricsExportAutoConfiguration.class, HttpClientAutoConfiguration.class,
			ReactiveHttpClientAutoConfiguration.class, WebClientAutoConfiguration.class,
			ConnectionMetricsAutoConfiguration.class, ConnectionPoolAutoConfiguration.class,
			KeepAliveAutoConfiguration.class, ConnectionTraceAutoConfiguration.class })
	static class App {

	}

}
