package io.conntrace.keepalive;

import java.io.IOException;
import java.net.SocketOption;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioChannelOption;
import jdk.net.ExtendedSocketOptions;
import reactor.netty.http.client.HttpClient;

/**
 * TCP keep-alive for a client's connections: {@code SO_KEEPALIVE} and, where the JDK and the OS
 * support them, the Linux probe settings (idle time before the first probe, interval between
 * probes, probes before the connection is dropped) as Netty NIO channel options. Lets a client notice a
 * peer or middlebox that vanished without closing the connection.
 */
public final class TcpKeepAlive {

	private final boolean enabled;

	private final int idleSeconds;

	private final int intervalSeconds;

	private final int count;

	private final List<String> unsupported;

	private final Set<SocketOption<?>> supported;

	private TcpKeepAlive(boolean enabled, Duration idle, Duration interval, int count, Set<SocketOption<?>> supported) {
		this.enabled = enabled;
		this.idleSeconds = (int) idle.getSeconds();
		this.intervalSeconds = (int) interval.getSeconds();
		this.count = count;
		this.supported = supported;
		List<String> missing = new ArrayList<>();
		if (enabled) {
			addIfMissing(missing, ExtendedSocketOptions.TCP_KEEPIDLE);
			addIfMissing(missing, ExtendedSocketOptions.TCP_KEEPINTERVAL);
			addIfMissing(missing, ExtendedSocketOptions.TCP_KEEPCOUNT);
		}
		this.unsupported = Collections.unmodifiableList(missing);
	}

	/**
	 * Return keep-alive settings, checked against what this JDK and OS support.
	 * @param enabled whether to turn keep-alive on at all
	 * @param idle idle time before the first probe, whole seconds
	 * @param interval time between probes, whole seconds
	 * @param count probes without answer before the connection is dropped
	 * @return the settings
	 */
	public static TcpKeepAlive of(boolean enabled, Duration idle, Duration interval, int count) {
		return new TcpKeepAlive(enabled, idle, interval, count, supportedOptions());
	}

	/**
	 * Return the names of the probe settings this JDK or OS does not support, which {@link #apply} leaves
	 * out; the caller should say so.
	 * @return unsupported option names, empty when all are supported
	 */
	public List<String> unsupported() {
		return this.unsupported;
	}

	/**
	 * Return a copy of the client with these settings on every new connection.
	 * @param client the client
	 * @return the configured client
	 */
	public HttpClient apply(HttpClient client) {
		HttpClient configured = client.option(ChannelOption.SO_KEEPALIVE, this.enabled);
		if (!this.enabled) {
			return configured;
		}
		if (this.supported.contains(ExtendedSocketOptions.TCP_KEEPIDLE)) {
			configured = configured.option(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE), this.idleSeconds);
		}
		if (this.supported.contains(ExtendedSocketOptions.TCP_KEEPINTERVAL)) {
			configured = configured.option(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL),
					this.intervalSeconds);
		}
		if (this.supported.contains(ExtendedSocketOptions.TCP_KEEPCOUNT)) {
			configured = configured.option(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT), this.count);
		}
		return configured;
	}

	private void addIfMissing(List<String> missing, SocketOption<?> option) {
		if (!this.supported.contains(option)) {
			missing.add(option.name());
		}
	}

	/** An unconnected channel's options: what this JDK supports on this OS. Opens no connection. */
	private static Set<SocketOption<?>> supportedOptions() {
		try (SocketChannel channel = SocketChannel.open()) {
			return channel.supportedOptions();
		}
		catch (IOException | RuntimeException ex) {
			return Set.of();
		}
	}

}
