package io.conntrace.autoconfigure.pool;

import java.net.InetSocketAddress;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.conntrace.autoconfigure.InvalidConntracePropertyException;
import io.netty.util.NetUtil;

/**
 * A {@code host:port} key of {@code conntrace.pool.hosts}, as the remote address Reactor Netty keys
 * its per-host pools by: unresolved for a name, resolved (without DNS) for an IP literal.
 */
final class RemoteHost {

	private static final Pattern KEY = Pattern.compile("^(\\[[0-9A-Fa-f:.]+\\]|[^\\s:\\[\\]]+):([0-9]{1,5})$");

	private RemoteHost() {
	}

	static InetSocketAddress parse(String key) {
		Matcher matcher = KEY.matcher(key);
		int port = matcher.matches() ? Integer.parseInt(matcher.group(2)) : 0;
		if (port < 1 || port > 65535) {
			throw new InvalidConntracePropertyException("conntrace.pool.hosts." + key, key,
					"a key 'host:port' with a port from 1 to 65535, written in brackets in properties files:"
							+ " conntrace.pool.hosts.[api.example.com:443].max-connections");
		}
		String host = matcher.group(1);
		if (host.startsWith("[")) {
			host = host.substring(1, host.length() - 1);
		}
		if (NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host)) {
			return new InetSocketAddress(NetUtil.createInetAddressFromIpAddressString(host), port);
		}
		return InetSocketAddress.createUnresolved(host, port);
	}

}
