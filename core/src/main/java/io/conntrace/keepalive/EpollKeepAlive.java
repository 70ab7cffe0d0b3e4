package io.conntrace.keepalive;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollChannelOption;

/**
 * Sets the probe settings in epoll's own options. A class of its own so that epoll's classes load only
 * for an epoll channel, and never where the epoll transport is absent.
 */
final class EpollKeepAlive {

	private EpollKeepAlive() {
	}

	static void set(Channel channel, int idleSeconds, int intervalSeconds, int count) {
		channel.config().setOption(EpollChannelOption.TCP_KEEPIDLE, idleSeconds);
		channel.config().setOption(EpollChannelOption.TCP_KEEPINTVL, intervalSeconds);
		channel.config().setOption(EpollChannelOption.TCP_KEEPCNT, count);
	}

}
