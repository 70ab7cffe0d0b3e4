package io.conntrace.autoconfigure.pool;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.conntrace.testsupport.CountingServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The first request of a fresh JVM spends tens of milliseconds creating the pool and its first channel,
 * mostly loading classes, before anything is dialled. Nothing waited for a pool slot: that time must not
 * show as pool wait. Each case runs {@link ColdStartClient} in a JVM of its own against a server in this
 * one, so the client's classes are really cold.
 */
class ColdStartTests {

	@ParameterizedTest
	@ValueSource(booleans = { false, true })
	void firstRequestOfAFreshJvmShowsSetupNotPoolWait(boolean tls) throws Exception {
		try (CountingServer server = tls ? CountingServer.https() : CountingServer.http()) {
			Map<String, String> tags = runColdClient(server.url("/").replace("127.0.0.1", "localhost"),
					tls ? server.certificate().getAbsolutePath() : null);
			System.out.println("cold start " + (tls ? "https" : "http") + ": " + tags);
			assertThat(server.accepted()).isEqualTo(1);
			assertThat(tags).containsEntry("conntrace.connection.reused", "false");
			double acquire = millis(tags, "conntrace.acquire_ms");
			double wait = millis(tags, "conntrace.pool.wait_ms");
			double setup = millis(tags, "conntrace.setup_ms");
			assertThat(wait).isLessThanOrEqualTo(2.0);
			// A cold JVM does pay for it, and says so under its own name.
			assertThat(setup).isGreaterThan(5.0);
			double parts = wait + setup + millis(tags, "conntrace.dns_ms") + millis(tags, "conntrace.connect_ms")
					+ (tls ? millis(tags, "conntrace.tls_ms") : 0);
			assertThat(parts).isCloseTo(acquire, within(1.0));
		}
	}

	private static double millis(Map<String, String> tags, String key) {
		String value = tags.get(key);
		return (value != null) ? Double.parseDouble(value) : 0;
	}

	private static Map<String, String> runColdClient(String url, String certificate) throws Exception {
		List<String> command = new ArrayList<>(List.of(
				Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
				System.getProperty("java.class.path"), ColdStartClient.class.getName(), url));
		if (certificate != null) {
			command.add(certificate);
		}
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		List<String> output = new ArrayList<>();
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				output.add(line);
			}
		}
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		String cold = output.stream().filter((line) -> line.startsWith("COLD ")).findFirst().orElse(null);
		assertThat(cold).as("the cold client's output:%n%s", String.join("\n", output)).isNotNull();
		Map<String, String> tags = new HashMap<>();
		for (String pair : cold.substring(5).split(" ")) {
			int equals = pair.indexOf('=');
			tags.put(pair.substring(0, equals), pair.substring(equals + 1));
		}
		return tags;
	}

}
