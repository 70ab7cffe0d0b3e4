package io.conntrace.keepalive;

import java.io.IOException;
import java.net.SocketOption;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import jdk.net.ExtendedSocketOptions;
import org.jspecify.annotations.Nullable;
import reactor.netty.ChannelPipelineConfigurer;
import reactor.netty.http.client.HttpClient;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * TCP keep-alive for a client's connections: {@code SO_KEEPALIVE} and the Linux probe settings (idle
 * time before the first probe, interval between probes, probes before the connection is dropped).
 * Lets a client notice a peer or middlebox that vanished without closing the connection.
 * <p>
 * The probe settings are set on each new channel in the option type of its transport: JDK extended
 * socket options on NIO (where this JDK and OS support them), epoll's own options on Reactor Netty's
 * native Linux transport, which ignores NIO's. Other transports keep the operating system's values.
 */
public final class TcpKeepAlive {

	private static final Logger logger = Loggers.getLogger(TcpKeepAlive.class);

	private final boolean enabled;

	private final int idleSeconds;

	private final int intervalSeconds;

	private final int count;

	private final List<String> unsupported;

	private final Set<SocketOption<?>> supported;

	/** One instance per settings: Reactor Netty makes channel initializers part of the pool key. */
	private final ChannelPipelineConfigurer probes;

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
		this.probes = (observer, channel, remoteAddress) -> setProbes(channel);
	}

	/**
	 * Return keep-alive settings, checked against what this JDK and OS support for NIO.
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
	 * Return the names of the probe settings this JDK or OS does not support on NIO, which are then left
	 * out there; the caller should say so.
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
		HttpClient configured = applySocketOption(client);
		return this.enabled ? configured.doOnChannelInit(this.probes) : configured;
	}

	/**
	 * Return a copy of the client with {@code SO_KEEPALIVE} set, the probe settings left to {@link #probes()}. For
	 * a caller that runs one channel-init hook of its own on every client ({@code ConnectionTracing}'s): Reactor
	 * Netty keys its pools on a client's channel-init hooks, and two hooks make a new composite, so a pool, per
	 * client.
	 * @param client the client
	 * @return the configured client
	 */
	public HttpClient applySocketOption(HttpClient client) {
		return client.option(ChannelOption.SO_KEEPALIVE, this.enabled);
	}

	/**
	 * Return what sets the probe settings on a new channel, one instance per settings.
	 * @return the hook, {@code null} when keep-alive is off
	 */
	public @Nullable ChannelPipelineConfigurer probes() {
		return this.enabled ? this.probes : null;
	}

	private void setProbes(Channel channel) {
		try {
			// Only where keep-alive is on: the hook runs on every client conntrace instruments, conntrace's or not.
			if (!Boolean.TRUE.equals(channel.config().getOption(ChannelOption.SO_KEEPALIVE))) {
				return;
			}
			if (channel instanceof NioSocketChannel) {
				setNio(channel, ExtendedSocketOptions.TCP_KEEPIDLE, this.idleSeconds);
				setNio(channel, ExtendedSocketOptions.TCP_KEEPINTERVAL, this.intervalSeconds);
				setNio(channel, ExtendedSocketOptions.TCP_KEEPCOUNT, this.count);
			}
			else if (channel.getClass().getName().startsWith("io.netty.channel.epoll.")) {
				EpollKeepAlive.set(channel, this.idleSeconds, this.intervalSeconds, this.count);
			}
		}
		catch (Throwable ex) {
			// A socket option must never cost the request its connection.
			logger.debug("conntrace could not set TCP keep-alive probe options on " + channel, ex);
		}
	}

	private void setNio(Channel channel, SocketOption<Integer> option, int value) {
		if (this.supported.contains(option)) {
			channel.config().setOption(NioChannelOption.of(option), value);
		}
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
