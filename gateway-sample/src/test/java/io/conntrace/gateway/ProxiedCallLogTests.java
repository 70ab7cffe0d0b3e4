package io.conntrace.gateway;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.netty.http.client.HttpClient;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code conntrace.log.enabled}: one line per proxied call, naming the backend and its connection. */
@ExtendWith(OutputCaptureExtension.class)
class ProxiedCallLogTests {

	@Test
	void eachProxiedCallGetsALineWithTheBackendsServerAndNoQuery(CapturedOutput output) {
		try (ConfigurableApplicationContext gateway = TestGateway.start("--conntrace.log.enabled=true",
				"--gateway-sample.backend.idle-timeout=30s")) {
			HttpClient caller = HttpClient.create();
			for (int i = 0; i < 2; i++) {
				caller.get()
					.uri(TestGateway.url(gateway, "/api/logged?token=secret"))
					.responseContent()
					.aggregate()
					.asString()
					.block(Duration.ofSeconds(10));
			}
			Backend backend = gateway.getBean(Backend.class);
			String server = "server=127.0.0.1:" + backend.port();
			java.util.List<String> lines = output.getOut()
				.lines()
				.filter((line) -> line.contains("method=GET " + server))
				.toList();
			assertThat(lines).hasSize(2)
				.allMatch((line) -> line.contains("path=/api/logged status=200"))
				.noneMatch((line) -> line.contains("secret"));
			// Ground truth: the lines that say a new connection are the sockets the backend accepted.
			assertThat(lines.stream().filter((line) -> line.contains("reused=false conn=") && line.contains("connect_ms=")))
				.hasSize(backend.accepted());
		}
	}

}
