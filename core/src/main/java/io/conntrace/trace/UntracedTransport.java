package io.conntrace.trace;

import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.channel.Channel;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Says once why connections over a transport conntrace cannot trace correctly get no facts. conntrace
 * reads HTTP/1.1 and HTTP/2 off a stream connection (TCP, or a Unix domain socket); anything else, such
 * as HTTP/3 over QUIC, gets nothing rather than a wrong fact.
 */
final class UntracedTransport {

	private static final Logger logger = Loggers.getLogger(ConnectionTracing.class);

	/** Once per {@link ConnectionTracing}: an application has one. */
	private final AtomicBoolean warned = new AtomicBoolean();

	void warnOnce(Channel channel) {
		if (this.warned.get() || !this.warned.compareAndSet(false, true)) {
			return;
		}
		logger.warn("conntrace traces HTTP/1.1 and HTTP/2 over stream connections only; connections over "
				+ channel.getClass().getSimpleName() + " (for example HTTP/3 over QUIC) get no conntrace facts");
	}

}
