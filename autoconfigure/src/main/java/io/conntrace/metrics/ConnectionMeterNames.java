package io.conntrace.metrics;

import io.micrometer.common.docs.KeyName;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.docs.MeterDocumentation;

/**
 * Every meter conntrace registers: name, type, base unit and tag keys, declared once here so no name
 * is written twice. Tag values stay bounded: {@code server.address} and {@code remote.address} fold
 * into {@value ServerTags#OTHER} beyond a cap.
 */
public enum ConnectionMeterNames implements MeterDocumentation {

	/** Requests sent, by whether their connection was reused. */
	REQUESTS {
		@Override
		public String getName() {
			return "conntrace.requests";
		}

		@Override
		public Meter.Type getType() {
			return Meter.Type.COUNTER;
		}

		@Override
		public String getBaseUnit() {
			return "requests";
		}

		@Override
		public KeyName[] getKeyNames() {
			return new KeyName[] { Tags.REUSED, Tags.SERVER_ADDRESS, Tags.SERVER_PORT };
		}
	},

	/** Time from asking the pool for a connection until one was ready, DNS, connect and TLS included. */
	ACQUIRE {
		@Override
		public String getName() {
			return "conntrace.acquire";
		}

		@Override
		public Meter.Type getType() {
			return Meter.Type.TIMER;
		}

		@Override
		public KeyName[] getKeyNames() {
			return new KeyName[] { Tags.REUSED, Tags.SERVER_ADDRESS, Tags.SERVER_PORT };
		}
	},

	/** The part of acquire spent waiting for a free pool slot (the pool's pending-acquire time). */
	POOL_WAIT {
		@Override
		public String getName() {
			return "conntrace.pool.wait";
		}

		@Override
		public Meter.Type getType() {
			return Meter.Type.TIMER;
		}

		@Override
		public KeyName[] getKeyNames() {
			return new KeyName[] { Tags.SERVER_ADDRESS, Tags.SERVER_PORT };
		}
	},

	/** How long each connection lived, recorded when it closes (OpenTelemetry's name). */
	CONNECTION_DURATION {
		@Override
		public String getName() {
			return "http.client.connection.duration";
		}

		@Override
		public Meter.Type getType() {
			return Meter.Type.TIMER;
		}

		@Override
		public KeyName[] getKeyNames() {
			return new KeyName[] { Tags.CLOSE_REASON, Tags.SERVER_ADDRESS, Tags.SERVER_PORT };
		}
	},

	/** Requests each connection carried, recorded when it closes. */
	CONNECTION_REQUESTS {
		@Override
		public String getName() {
			return "conntrace.connection.requests";
		}

		@Override
		public Meter.Type getType() {
			return Meter.Type.DISTRIBUTION_SUMMARY;
		}

		@Override
		public String getBaseUnit() {
			return "requests";
		}

		@Override
		public KeyName[] getKeyNames() {
			return new KeyName[] { Tags.CLOSE_REASON, Tags.SERVER_ADDRESS, Tags.SERVER_PORT };
		}
	},

	/** Address resolution time of new connections (OpenTelemetry's name). */
	DNS_LOOKUP {
		@Override
		public String getName() {
			return "dns.lookup.duration";
		}

		@Override
		public Meter.Type getType() {
			return Meter.Type.TIMER;
		}

		@Override
		public KeyName[] getKeyNames() {
			return new KeyName[] { Tags.SERVER_ADDRESS };
		}
	},

	/** Stale keep-alive connections met, by what conntrace did about each. */
	STALE_CONNECTIONS {
		@Override
		public String getName() {
			return "conntrace.stale.connections";
		}

		@Override
		public Meter.Type getType() {
			return Meter.Type.COUNTER;
		}

		@Override
		public String getBaseUnit() {
			return "connections";
		}

		@Override
		public KeyName[] getKeyNames() {
			return new KeyName[] { Tags.ACTION, Tags.SERVER_ADDRESS };
		}
	},

	/** Open connections of conntrace's pool by state (OpenTelemetry's name). */
	OPEN_CONNECTIONS {
		@Override
		public String getName() {
			return "http.client.open_connections";
		}

		@Override
		public Meter.Type getType() {
			return Meter.Type.GAUGE;
		}

		@Override
		public String getBaseUnit() {
			return "connections";
		}

		@Override
		public KeyName[] getKeyNames() {
			return new KeyName[] { Tags.CONNECTION_STATE, Tags.SERVER_ADDRESS, Tags.SERVER_PORT, Tags.POOL_NAME,
					Tags.POOL_ID };
		}
	},

	/** Reactor Netty pool gauges, registered under Reactor Netty's own names. */
	POOL {
		@Override
		public String getName() {
			return "reactor.netty.connection.provider.%s";
		}

		@Override
		public Meter.Type getType() {
			return Meter.Type.GAUGE;
		}

		@Override
		public String getBaseUnit() {
			return "connections";
		}

		@Override
		public KeyName[] getKeyNames() {
			return new KeyName[] { Tags.POOL_ID, Tags.POOL_NAME, Tags.REMOTE_ADDRESS };
		}
	};

	/** Tag keys. */
	enum Tags implements KeyName {

		REUSED("reused"), SERVER_ADDRESS("server.address"), SERVER_PORT("server.port"), CLOSE_REASON("reason"),
		CONNECTION_STATE("http.connection.state"), ACTION("action"), POOL_ID("id"), POOL_NAME("name"), REMOTE_ADDRESS("remote.address");

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
