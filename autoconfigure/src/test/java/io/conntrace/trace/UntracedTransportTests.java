package io.conntrace.trace;

import java.net.InetSocketAddress;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connection over a transport conntrace cannot read correctly (HTTP/3 runs over QUIC on a UDP channel)
 * gets no state, so none of its requests gets a fact, and one WARN says why.
 */
class UntracedTransportTests {

	private final ListAppender<ILoggingEvent> log = new ListAppender<>();

	private final Logger logger = (Logger) LoggerFactory.getLogger(ConnectionTracing.class);

	@BeforeEach
	void captureLog() {
		UntracedTransport.reset();
		this.log.start();
		this.logger.addAppender(this.log);
	}

	@AfterEach
	void restore() {
		this.logger.detachAppender(this.log);
		UntracedTransport.reset();
	}

	@Test
	void datagramChannelGetsNoStateAndOneWarning() {
		NioDatagramChannel udp = new NioDatagramChannel();
		NioDatagramChannel another = new NioDatagramChannel();
		try {
			InetSocketAddress remote = new InetSocketAddress("127.0.0.1", 443);
			ConnectionTracing.init(udp, remote, ConnectionListener.NONE);
			ConnectionTracing.init(another, remote, ConnectionListener.NONE);
			assertThat(ConnectionState.of(udp)).isNull();
			assertThat(ConnectionState.of(another)).isNull();
			assertThat(udp.pipeline().get(ConnectionWatcher.NAME)).isNull();
			List<ILoggingEvent> warnings = this.log.list.stream().filter((e) -> e.getLevel() == Level.WARN).toList();
			assertThat(warnings).hasSize(1);
			assertThat(warnings.get(0).getFormattedMessage()).contains("NioDatagramChannel").contains("HTTP/3");
		}
		finally {
			udp.unsafe().closeForcibly();
			another.unsafe().closeForcibly();
		}
	}

	@Test
	void onlyStreamSocketsGetState() {
		// EmbeddedChannel is no stream socket either: the check is on the transport, not on a test double.
		EmbeddedChannel embedded = new EmbeddedChannel();
		ConnectionTracing.init(embedded, new InetSocketAddress("127.0.0.1", 443), ConnectionListener.NONE);
		assertThat(ConnectionState.of(embedded)).isNull();
		NioSocketChannel tcp = new NioSocketChannel();
		try {
			ConnectionTracing.init(tcp, new InetSocketAddress("127.0.0.1", 443), ConnectionListener.NONE);
			assertThat(ConnectionState.of(tcp)).isNotNull();
		}
		finally {
			tcp.unsafe().closeForcibly();
		}
	}

}
