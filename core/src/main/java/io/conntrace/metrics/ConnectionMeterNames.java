package io.conntrace.metrics;

import io.micrometer.common.docs.KeyName;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.docs.MeterDocumentation;
import org.jspecify.annotations.Nullable;

/**
 * Every meter conntrace registers: name, type, base unit and tag keys, declared once here so no name
 * is written twice. Tag values stay bounded: {@code server.address} and {@code remote.address} fold
 * into {@value ServerTags#OTHER} beyond a cap.
 */
public enum ConnectionMeterNames implements MeterDocumentation {

	/** Requests sent, by whether their connection was reused. */
	REQUESTS("conntrace.requests", Meter.Type.COUNTER, "requests", Tags.REUSED, Tags.SERVER_ADDRESS,
			Tags.SERVER_PORT),

	/** Time from asking the pool for a connection until one was ready, DNS, connect and TLS included. */
	ACQUIRE("conntrace.acquire", Meter.Type.TIMER, null, Tags.REUSED, Tags.SERVER_ADDRESS, Tags.SERVER_PORT),

	/**
	 * The part of acquire spent queued for a free pool slot (the pool's pending-acquire time), where it is
	 * known (see {@code conntrace.pool.wait_ms}).
	 */
	POOL_WAIT("conntrace.pool.wait", Meter.Type.TIMER, null, Tags.SERVER_ADDRESS, Tags.SERVER_PORT),

	/**
	 * Requests cancelled before they got their connection, by the phase their acquire was in: {@code pool},
	 * {@code dns}, {@code connect} or {@code tls}.
	 */
	ACQUIRE_CANCELLED("conntrace.acquire.cancelled", Meter.Type.COUNTER, "requests", Tags.PHASE,
			Tags.SERVER_ADDRESS),

	/** How long each connection lived, recorded when it closes (OpenTelemetry's name). */
	CONNECTION_DURATION("http.client.connection.duration", Meter.Type.TIMER, null, Tags.CLOSE_REASON,
			Tags.SERVER_ADDRESS, Tags.SERVER_PORT),

	/** Requests each connection carried, recorded when it closes. */
	CONNECTION_REQUESTS("conntrace.connection.requests", Meter.Type.DISTRIBUTION_SUMMARY, "requests",
			Tags.CLOSE_REASON, Tags.SERVER_ADDRESS, Tags.SERVER_PORT),

	/** Address resolution time of new connections (OpenTelemetry's name). */
	DNS_LOOKUP("dns.lookup.duration", Meter.Type.TIMER, null, Tags.SERVER_ADDRESS),

	/**
	 * Requests sent again, once, by why ({@code cause}: {@code stale-connection},
	 * {@code goaway}, {@code refused-stream}).
	 */
	RETRIES("conntrace.retries", Meter.Type.COUNTER, "requests", Tags.CAUSE, Tags.SERVER_ADDRESS),

	/** Stale keep-alive connections met, by what conntrace did about each. */
	STALE_CONNECTIONS("conntrace.stale.connections", Meter.Type.COUNTER, "connections", Tags.ACTION,
			Tags.SERVER_ADDRESS),

	/** Open connections of conntrace's pool by state (OpenTelemetry's name). */
	OPEN_CONNECTIONS("http.client.open_connections", Meter.Type.GAUGE, "connections", Tags.CONNECTION_STATE,
			Tags.SERVER_ADDRESS, Tags.SERVER_PORT, Tags.POOL_NAME, Tags.POOL_ID),

	/** Reactor Netty pool gauges, registered under Reactor Netty's own names. */
	POOL("reactor.netty.connection.provider.%s", Meter.Type.GAUGE, "connections", Tags.POOL_ID, Tags.POOL_NAME,
			Tags.REMOTE_ADDRESS),

	/** Reactor Netty's HTTP/2 pool gauges of streams (active, pending), under Reactor Netty's own names. */
	POOL_STREAMS("reactor.netty.connection.provider.%s", Meter.Type.GAUGE, "streams", Tags.POOL_ID, Tags.POOL_NAME,
			Tags.REMOTE_ADDRESS);

	private final String name;

	private final Meter.Type type;

	private final @Nullable String baseUnit;

	private final KeyName[] keyNames;

	ConnectionMeterNames(String name, Meter.Type type, @Nullable String baseUnit, KeyName... keyNames) {
		this.name = name;
		this.type = type;
		this.baseUnit = baseUnit;
		this.keyNames = keyNames;
	}

	@Override
	public String getName() {
		return this.name;
	}

	@Override
	public Meter.Type getType() {
		return this.type;
	}

	@Override
	public @Nullable String getBaseUnit() {
		return this.baseUnit;
	}

	@Override
	public KeyName[] getKeyNames() {
		return this.keyNames.clone();
	}

	/** Tag keys. */
	enum Tags implements KeyName {

		REUSED("reused"), SERVER_ADDRESS("server.address"), SERVER_PORT("server.port"), CLOSE_REASON("reason"),
		CONNECTION_STATE("http.connection.state"), ACTION("action"), CAUSE("cause"), PHASE("phase"), POOL_ID("id"), POOL_NAME("name"), REMOTE_ADDRESS("remote.address");

		private final String key;

		Tags(String key) {
			this.key = key;
		}

		@Override
		public String asString() {
			return this.key;
		}

	}

}
