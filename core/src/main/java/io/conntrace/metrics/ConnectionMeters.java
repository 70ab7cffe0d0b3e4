package io.conntrace.metrics;

import java.util.concurrent.TimeUnit;

import io.conntrace.trace.CloseReason;
import io.conntrace.trace.ConnectionListener;
import io.conntrace.trace.RetryCause;
import io.conntrace.trace.StaleAction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import static io.conntrace.metrics.ConnectionMeterNames.ACQUIRE;
import static io.conntrace.metrics.ConnectionMeterNames.ACQUIRE_CANCELLED;
import static io.conntrace.metrics.ConnectionMeterNames.CONNECTION_DURATION;
import static io.conntrace.metrics.ConnectionMeterNames.CONNECTION_REQUESTS;
import static io.conntrace.metrics.ConnectionMeterNames.DNS_LOOKUP;
import static io.conntrace.metrics.ConnectionMeterNames.POOL_WAIT;
import static io.conntrace.metrics.ConnectionMeterNames.REQUESTS;
import static io.conntrace.metrics.ConnectionMeterNames.RETRIES;
import static io.conntrace.metrics.ConnectionMeterNames.STALE_CONNECTIONS;
import static io.conntrace.metrics.ConnectionMeterNames.Tags.CLOSE_REASON;
import static io.conntrace.metrics.ConnectionMeterNames.Tags.REUSED;

/**
 * Records conntrace's facts as meters: per request (count, acquire time, pool wait), per new
 * connection (DNS time) and per closed connection (lifetime, requests carried, how it closed). The
 * meters of each server are registered once and cached, so a request costs a map lookup, not a
 * registry lookup.
 */
public final class ConnectionMeters implements ConnectionListener {

	private final MeterRegistry registry;

	private final ServerTags<ServerMeters> servers;

	private volatile boolean poolDisposing;

	/**
	 * Create meters on the given registry.
	 * @param registry where to register
	 * @param maxServers how many distinct servers get their own {@code server.address} and
	 * {@code server.port} tags; later ones share {@code _other}
	 */
	public ConnectionMeters(MeterRegistry registry, int maxServers) {
		this.registry = registry;
		this.servers = new ServerTags<>(maxServers, (tags) -> new ServerMeters(registry, tags));
	}

	@Override
	public void staleConnection(String host, int port, StaleAction action) {
		Counter.builder(STALE_CONNECTIONS.getName())
			.description("Stale keep-alive connections met, by what conntrace did about each")
			.baseUnit(STALE_CONNECTIONS.getBaseUnit())
			.tags(this.servers.get(host, port).addressOnly)
			.tag(ConnectionMeterNames.Tags.ACTION.asString(), action.tagValue())
			.register(this.registry)
			.increment();
	}

	@Override
	public void requestRetried(String host, int port, RetryCause cause) {
		Counter.builder(RETRIES.getName())
			.description("Requests sent again, once, by why")
			.baseUnit(RETRIES.getBaseUnit())
			.tags(this.servers.get(host, port).addressOnly)
			.tag(ConnectionMeterNames.Tags.CAUSE.asString(), cause.value())
			.register(this.registry)
			.increment();
	}

	@Override
	public void poolDisposing() {
		this.poolDisposing = true;
	}

	@Override
	public void requestBound(String host, int port, boolean reused, long acquireNanos, long poolWaitNanos) {
		ServerMeters meters = this.servers.get(host, port);
		(reused ? meters.reusedRequests : meters.newRequests).increment();
		if (acquireNanos >= 0) {
			(reused ? meters.reusedAcquire : meters.newAcquire).record(acquireNanos, TimeUnit.NANOSECONDS);
			if (poolWaitNanos >= 0) {
				meters.poolWait.record(poolWaitNanos, TimeUnit.NANOSECONDS);
			}
		}
	}

	@Override
	public void acquireCancelled(String host, int port, String phase) {
		Counter.builder(ACQUIRE_CANCELLED.getName())
			.description("Requests cancelled before they got their connection, by where their acquire was")
			.baseUnit(ACQUIRE_CANCELLED.getBaseUnit())
			.tags(this.servers.get(host, port).addressOnly)
			.tag(ConnectionMeterNames.Tags.PHASE.asString(), phase)
			.register(this.registry)
			.increment();
	}

	@Override
	public void nameResolved(String host, int port, long nanos) {
		this.servers.get(host, port).dns.record(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void connectionClosed(String host, int port, CloseReason reason, long lifetimeNanos, int requests) {
		CloseReason counted = (this.poolDisposing && reason == CloseReason.CLIENT_CLOSED) ? CloseReason.POOL_DISPOSED
				: reason;
		Tags tags = this.servers.get(host, port).tags.and(CLOSE_REASON.asString(), counted.tagValue());
		if (lifetimeNanos >= 0) {
			Timer.builder(CONNECTION_DURATION.getName())
				.description("How long each connection lived")
				.tags(tags)
				.register(this.registry)
				.record(lifetimeNanos, TimeUnit.NANOSECONDS);
		}
		DistributionSummary.builder(CONNECTION_REQUESTS.getName())
			.description("Requests each connection carried")
			.baseUnit(CONNECTION_REQUESTS.getBaseUnit())
			.tags(tags)
			.register(this.registry)
			.record(requests);
	}

	/** The meters of one server, registered once. */
	private static final class ServerMeters {

		final Tags tags;

		final Tags addressOnly;

		final Counter newRequests;

		final Counter reusedRequests;

		final Timer newAcquire;

		final Timer reusedAcquire;

		final Timer poolWait;

		final Timer dns;

		ServerMeters(MeterRegistry registry, Tags tags) {
			this.tags = tags;
			this.addressOnly = Tags.of(tags.stream()
				.filter((tag) -> tag.getKey().equals(ConnectionMeterNames.Tags.SERVER_ADDRESS.asString()))
				.toList());
			this.newRequests = requests(registry, tags, false);
			this.reusedRequests = requests(registry, tags, true);
			this.newAcquire = acquire(registry, tags, false);
			this.reusedAcquire = acquire(registry, tags, true);
			this.poolWait = Timer.builder(POOL_WAIT.getName())
				.description("Time requests waited for a free pool slot")
				.tags(tags)
				.register(registry);
			this.dns = Timer.builder(DNS_LOOKUP.getName())
				.description("Address resolution time of new connections")
				.tags(this.addressOnly)
				.register(registry);
		}

		private static Counter requests(MeterRegistry registry, Tags tags, boolean reused) {
			return Counter.builder(REQUESTS.getName())
				.description("Requests sent, by whether their connection was reused")
				.baseUnit(REQUESTS.getBaseUnit())
				.tags(tags)
				.tag(REUSED.asString(), Boolean.toString(reused))
				.register(registry);
		}

		private static Timer acquire(MeterRegistry registry, Tags tags, boolean reused) {
			return Timer.builder(ACQUIRE.getName())
				.description("Time from asking the pool for a connection until one was ready")
				.tags(tags)
				.tag(REUSED.asString(), Boolean.toString(reused))
				.register(registry);
		}

	}

}
