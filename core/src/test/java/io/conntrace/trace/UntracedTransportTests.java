package io.conntrace.trace;

import java.net.InetSocketAddress;
import java.util.List;

import io.conntrace.testsupport.LogCapture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connection over a transport conntrace cannot read correctly (HTTP/3 runs over QUIC on a UDP channel)
 * gets no state, so none of its requests gets a fact, and one WARN says why.
 */
class UntracedTransportTests {

	private final LogCapture log = LogCapture.of(ConnectionTracing.class);

	@AfterEach
	void restore() {
		this.log.close();
	}

	@Test
	void datagramChannelGetsNoStateAndOneWarning() {
		NioDatagramChannel udp = new NioDatagramChannel();
		NioDatagramChannel another = new NioDatagramChannel();
		try {
			InetSocketAddress remote = new InetSocketAddress("127.0.0.1", 443);
			UntracedTransport untraced = new UntracedTransport();
			ConnectionTracing.init(udp, remote, ConnectionListener.NONE, untraced);
			ConnectionTracing.init(another, remote, ConnectionListener.NONE, untraced);
			assertThat(ConnectionState.of(udp)).isNull();
			assertThat(ConnectionState.of(another)).isNull();
			assertThat(udp.pipeline().get(ConnectionWatcher.NAME)).isNull();
			List<String> warnings = this.log.warningMessages();
			assertThat(warnings).hasSize(1);
			assertThat(warnings.get(0)).contains("NioDatagramChannel").contains("HTTP/3");
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
		UntracedTransport untraced = new UntracedTransport();
		ConnectionTracing.init(embedded, new InetSocketAddress("127.0.0.1", 443), ConnectionListener.NONE, untraced);
		assertThat(ConnectionState.of(embedded)).isNull();
		NioSocketChannel tcp = new NioSocketChannel();
		try {
			ConnectionTracing.init(tcp, new InetSocketAddress("127.0.0.1", 443), ConnectionListener.NONE, untraced);
			assertThat(ConnectionState.of(tcp)).isNotNull();
		}
		finally {
			tcp.unsafe().closeForcibly();
		}
	}

}
