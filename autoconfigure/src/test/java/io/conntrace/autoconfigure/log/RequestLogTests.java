package io.conntrace.autoconfigure.log;

import java.time.Duration;
import java.util.List;

import io.conntrace.pool.PoolActivity;
import io.conntrace.pool.ServerActivity;
import io.conntrace.testsupport.CountingServer;
import io.conntrace.testsupport.TracedContext;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The opt-in line per request: written for every request (sampled or not), its facts matching the
 * connections the server really accepted, never the query; {@code slower-than} keeps only slow ones.
 */
@ExtendWith(OutputCaptureExtension.class)
class RequestLogTests {

	@Test
	void oneLinePerRequestWithItsConnectionFactsAndNoQuery(CapturedOutput output) throws Exception {
		try (CountingServer server = CountingServer.http()) {
			runner().withPropertyValues("conntrace.log.enabled=true", "management.tracing.sampling.probability=0.0")
				.run((context) -> {
					WebClient client = context.getBean(WebClient.Builder.class).build();
					get(client, server.url("/?secret=hunter2"));
					// Release to the pool is asynchronous: wait for it, so the second request reuses the connection.
					Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> {
						ServerActivity activity = context.getBean(PoolActivity.class).server("127.0.0.1", server.port());
						return activity != null && activity.connectionPool("conntrace") != null
								&& activity.connectionPool("conntrace").idleSize() == 1;
					});
					get(client, server.url("/?secret=hunter2"));
					assertThatThrownBy(() -> get(client, "http://127.0.0.1:1/refused")).isNotNull();
					List<String> lines = awaitLines(output, 3);
					lines.forEach((line) -> System.out.println("request log: " + line));
					String remote = "127.0.0.1:" + server.port();
					assertThat(lines.get(0)).contains("method=GET server=" + remote + " path=/ status=200 reused=false conn=")
						.contains("#1 protocol=1.1")
						.contains(" connect_ms=")
						.contains(" acquire_ms=")
						.contains(" total_ms=");
					String id = lines.get(0).replaceAll(".* conn=([0-9a-f]+)#1 .*", "$1");
					assertThat(lines.get(1)).contains("reused=true conn=" + id + "#2").contains(" idle_ms=")
						.doesNotContain("connect_ms");
					assertThat(server.accepted()).isEqualTo(1);
					assertThat(lines.get(2)).contains("server=127.0.0.1:1 path=/refused error=");
					assertThat(output.getAll()).doesNotContain("hunter2");
				});
		}
	}

	@Test
	void slowerThanKeepsOnlySlowRequests(CapturedOutput output) throws Exception {
		try (CountingServer server = CountingServer.http()) {
			runner().withPropertyValues("conntrace.log.enabled=true", "conntrace.log.slower-than=200ms")
				.run((context) -> {
					WebClient client = context.getBean(WebClient.Builder.class).build();
					get(client, server.url("/"));
					get(client, server.url("/slow?ms=300"));
					List<String> lines = awaitLines(output, 1);
					assertThat(lines).singleElement().satisfies((line) -> assertThat(line).contains("path=/slow"));
				});
		}
	}

	@Test
	void offByDefault() {
		runner().run((context) -> assertThat(context).doesNotHaveBean(RequestLogHandler.class));
	}

	private static org.springframework.boot.test.context.runner.ApplicationContextRunner runner() {
		return TracedContext.runner().withConfiguration(AutoConfigurations.of(RequestLogAutoConfiguration.class));
	}

	private static void get(WebClient client, String url) {
		client.get().uri(url).retrieve().bodyToMono(String.class).block(Duration.ofSeconds(10));
	}

	private static List<String> awaitLines(CapturedOutput output, int count) {
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> lines(output).size() >= count);
		return lines(output);
	}

	private static List<String> lines(CapturedOutput output) {
		return output.getAll()
			.lines()
			.filter((line) -> line.contains(RequestLogHandler.LOGGER.substring(0, 6)) && line.contains("method="))
			.map((line) -> line.substring(line.indexOf("method=")))
			.toList();
	}

}
