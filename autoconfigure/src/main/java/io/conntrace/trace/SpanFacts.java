package io.conntrace.trace;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLSession;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;

import static io.conntrace.trace.ConnectionSpanAttributes.ACQUIRE;
import static io.conntrace.trace.ConnectionSpanAttributes.CONNECT;
import static io.conntrace.trace.ConnectionSpanAttributes.CONNECTION_AGE;
import static io.conntrace.trace.ConnectionSpanAttributes.CONNECTION_ID;
import static io.conntrace.trace.ConnectionSpanAttributes.CONNECTION_IDLE;
import static io.conntrace.trace.ConnectionSpanAttributes.CONNECTION_REQUESTS;
import static io.conntrace.trace.ConnectionSpanAttributes.CONNECTION_REUSED;
import static io.conntrace.trace.ConnectionSpanAttributes.DNS;
import static io.conntrace.trace.ConnectionSpanAttributes.NETWORK_PEER_ADDRESS;
import static io.conntrace.trace.ConnectionSpanAttributes.NETWORK_PEER_PORT;
import static io.conntrace.trace.ConnectionSpanAttributes.POOL_WAIT;
import static io.conntrace.trace.ConnectionSpanAttributes.TLS;
import static io.conntrace.trace.ConnectionSpanAttributes.TLS_CIPHER;
import static io.conntrace.trace.ConnectionSpanAttributes.TLS_PROTOCOL_VERSION;
import static io.conntrace.trace.ConnectionSpanAttributes.TLS_RESUMED;

/**
 * Writes one request's connection facts onto its observation: the attributes of
 * {@link ConnectionSpanAttributes} as high-cardinality key values (span only, never a metric tag) and
 * the phase-end events of {@link ConnectionSpanEvents} with their real timestamps on the tracing span. Runs when the
 * request is bound to its connection, before the response can stop the observation.
 */
final class SpanFacts {

	/** Attributes written only for some connections: an earlier attempt's must not outlive it. */
	private static final String[] CONDITIONAL = { CONNECTION_IDLE.asString(), CONNECTION_AGE.asString(),
			ACQUIRE.asString(), POOL_WAIT.asString(), DNS.asString(), CONNECT.asString(), TLS.asString(),
			TLS_PROTOCOL_VERSION.asString(), TLS_CIPHER.asString(), TLS_RESUMED.asString() };

	private static final KeyValue REUSED_TRUE = KeyValue.of(CONNECTION_REUSED.asString(), "true");

	private static final KeyValue REUSED_FALSE = KeyValue.of(CONNECTION_REUSED.asString(), "false");

	/** The ordinals most connections see, made once. */
	private static final KeyValue[] ORDINALS = new KeyValue[128];

	static {
		for (int i = 1; i < ORDINALS.length; i++) {
			ORDINALS[i] = KeyValue.of(CONNECTION_REQUESTS.asString(), Integer.toString(i));
		}
	}

	private SpanFacts() {
	}

	/** Removes what an earlier attempt of the same request wrote, before a redirect hop or retry writes its own. */
	static void forgetEarlierAttempt(Observation observation) {
		observation.getContext().removeHighCardinalityKeyValues(CONDITIONAL);
	}

	static void write(Observation observation, Channel channel, ConnectionState state, int ordinal,
			RequestTimes times) {
		boolean reused = ordinal > 1;
		long acquired = state.acquired;
		observation.highCardinalityKeyValue(reused ? REUSED_TRUE : REUSED_FALSE);
		observation.highCardinalityKeyValue((ordinal < ORDINALS.length) ? ORDINALS[ordinal]
				: KeyValue.of(CONNECTION_REQUESTS.asString(), Integer.toString(ordinal)));
		for (KeyValue fixed : fixedAttributes(channel, state)) {
			observation.highCardinalityKeyValue(fixed);
		}
		if (reused) {
			long idle = state.idleNanos();
			if (idle >= 0) {
				put(observation, CONNECTION_IDLE, Millis.format(idle));
			}
			if (state.established != 0) {
				put(observation, CONNECTION_AGE, Millis.format(acquired - state.established));
			}
		}
		else {
			writeOpening(observation, state);
		}
		if (times.acquire() >= 0) {
			put(observation, ACQUIRE, Millis.format(times.acquire()));
			put(observation, POOL_WAIT, Millis.format(times.poolWait()));
		}
		if (acquired != 0) {
			event(observation, ConnectionSpanEvents.ACQUIRED, acquired);
		}
	}

	private static void writeOpening(Observation observation, ConnectionState state) {
		long dns = state.dnsNanos();
		if (dns >= 0) {
			put(observation, DNS, Millis.format(dns));
			event(observation, ConnectionSpanEvents.DNS, state.resolveEnd);
		}
		long connect = state.connectNanos();
		if (connect >= 0) {
			put(observation, CONNECT, Millis.format(connect));
			event(observation, ConnectionSpanEvents.CONNECT, state.connectEnd);
		}
		long tls = state.tlsNanos();
		if (tls >= 0) {
			put(observation, TLS, Millis.format(tls));
			event(observation, ConnectionSpanEvents.TLS, state.tlsEnd);
		}
	}

	/** The connection's id, peer and TLS facts: the same on every request, so made on its first only. */
	private static KeyValue[] fixedAttributes(Channel channel, ConnectionState state) {
		KeyValue[] fixed = state.fixedAttributes;
		if (fixed == null) {
			List<KeyValue> values = new ArrayList<>(6);
			values.add(KeyValue.of(CONNECTION_ID.asString(), state.id));
			if (channel.remoteAddress() instanceof InetSocketAddress address) {
				// The IP actually connected, never the host name the user wrote (that is on Spring's own attributes).
				values.add(KeyValue.of(NETWORK_PEER_ADDRESS.asString(),
						(address.getAddress() != null) ? address.getAddress().getHostAddress() : address.getHostString()));
				values.add(KeyValue.of(NETWORK_PEER_PORT.asString(), Integer.toString(address.getPort())));
			}
			SslHandler ssl = channel.pipeline().get(SslHandler.class);
			if (ssl != null) {
				SSLSession session = ssl.engine().getSession();
				String protocol = session.getProtocol();
				values.add(KeyValue.of(TLS_PROTOCOL_VERSION.asString(),
						protocol.startsWith("TLSv") ? protocol.substring(4) : protocol));
				values.add(KeyValue.of(TLS_CIPHER.asString(), session.getCipherSuite()));
				Boolean resumed = state.tlsResumed;
				if (resumed != null) {
					values.add(KeyValue.of(TLS_RESUMED.asString(), resumed ? "true" : "false"));
				}
			}
			fixed = values.toArray(new KeyValue[0]);
			state.fixedAttributes = fixed;
		}
		return fixed;
	}

	private static void put(Observation observation, ConnectionSpanAttributes attribute, String value) {
		observation.highCardinalityKeyValue(KeyValue.of(attribute.asString(), value));
	}

	/** Converts a {@code nanoTime} stamp to wall-clock millis, the unit span events carry. */
	private static void event(Observation observation, ConnectionSpanEvents event, long nanos) {
		if (SpanEvents.AVAILABLE) {
			long wall = System.currentTimeMillis() - (System.nanoTime() - nanos) / 1_000_000;
			SpanEvents.add(observation, event.asString(), wall);
		}
	}

}
