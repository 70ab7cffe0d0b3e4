package io.conntrace.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real Zipkin server, {@code io.zipkin:zipkin-server:exec}, which the build copies into
 * {@code target/zipkin}, run as a separate java process on a free port of 127.0.0.1 for the test
 * class, with in-memory storage; queried through its HTTP API. For the integration tests of the sample app and
 * of the gateway sample, whose builds copy the server.
 */
public final class ZipkinServer implements BeforeAllCallback, AfterAllCallback {

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final int port = freePort();

	private Process process;

	/** Start the server and wait until it is healthy. */
	@Override
	public void beforeAll(ExtensionContext context) throws IOException {
		Path jar = Path.of(System.getProperty("zipkin.jar", "target/zipkin/zipkin-server-exec.jar"));
		if (!jar.toFile().isFile()) {
			throw new IllegalStateException("No Zipkin server at " + jar + ": run the build's package phase first");
		}
		File log = jar.resolveSibling("zipkin-it.log").toFile();
		ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-jar", jar.toString(),
				// Loopback only: QUERY_PORT alone would listen on every interface.
				"--armeria.ports[0].ip=127.0.0.1", "--armeria.ports[0].port=" + this.port,
				"--armeria.ports[0].protocols[0]=http")
			.redirectErrorStream(true)
			.redirectOutput(log);
		builder.environment().put("QUERY_PORT", Integer.toString(this.port));
		this.process = builder.start();
		Awaitility.await("Zipkin healthy on port " + this.port + " (log: " + log + ")")
			.atMost(STARTUP_TIMEOUT)
			.pollInterval(Duration.ofMillis(250))
			.failFast("Zipkin exited, see " + log, () -> !this.process.isAlive())
			.ignoreExceptions()
			.until(() -> get("/health").statusCode() == 200);
	}

	/** Stop the server. */
	@Override
	public void afterAll(ExtensionContext context) throws InterruptedException {
		if (this.process != null) {
			this.process.destroy();
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
	}

	/** Where the application under test posts its spans. */
	public String spansEndpoint() {
		return "http://127.0.0.1:" + this.port + "/api/v2/spans";
	}

	/**
	 * The client spans of one trace, oldest first, found through Zipkin's trace search by service and
	 * by the name of a span in the trace.
	 */
	public List<ZipkinSpan> clientSpans(String serviceName, String spanName, String traceId) {
		String path = "/api/v2/traces?serviceName=" + encode(serviceName) + "&spanName=" + encode(spanName)
				+ "&limit=100";
		String json = get(path).body();
		List<Map<String, Object>> spans = JsonPath.read(json,
				"$[*][?(@.traceId == '" + traceId + "' && @.kind == 'CLIENT')]");
		return spans.stream().map(ZipkinSpan::new).sorted(Comparator.comparingLong(ZipkinSpan::timestamp)).toList();
	}

	private HttpResponse<String> get(String path) {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(10))
			.build();
		try {
			return this.http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
