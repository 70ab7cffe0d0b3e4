package io.conntrace.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Gives the pool-starvation target a port before the application starts, and conntrace's pool limits of
 * its own for that server, the way a user writes them:
 * {@code conntrace.pool.hosts.[127.0.0.1:<port>].max-connections}. The queue holds all but two of the
 * burst beyond the pool's size, so the last two requests find it full: the saturation message and WARN.
 */
public final class StarvationPool implements EnvironmentPostProcessor {

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		int poolSize = environment.getProperty("sample.starvation-pool-size", Integer.class, 2);
		int burst = environment.getProperty("sample.starvation-burst", Integer.class, 10);
		int port = freePort();
		String host = "conntrace.pool.hosts.[127.0.0.1:" + port + "].";
		environment.getPropertySources()
			.addLast(new MapPropertySource("pool-starvation",
					Map.of("sample.starvation-port", port, host + "max-connections", poolSize,
							host + "pending-acquire-max-count", Math.max(1, burst - poolSize - 2))));
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
