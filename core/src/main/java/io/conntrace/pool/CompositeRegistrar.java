package io.conntrace.pool;

import java.net.SocketAddress;
import java.util.List;

import org.jspecify.annotations.Nullable;
import reactor.netty.resources.ConnectionPoolMetrics;
import reactor.netty.resources.ConnectionProvider;

/**
 * Hands a pool's gauges to several registrars, for example {@code PoolMeterRegistrar} (the meters) and
 * {@link PoolActivity}: a Reactor Netty pool takes one.
 */
public final class CompositeRegistrar implements ConnectionProvider.MeterRegistrar {

	private final List<ConnectionProvider.MeterRegistrar> registrars;

	private CompositeRegistrar(List<ConnectionProvider.MeterRegistrar> registrars) {
		this.registrars = List.copyOf(registrars);
	}

	/**
	 * Return one registrar for the given ones.
	 * @param registrars the registrars, in order
	 * @return {@code null} if there are none, the only one, or one handing each pool to all of them
	 */
	public static ConnectionProvider.@Nullable MeterRegistrar of(List<ConnectionProvider.MeterRegistrar> registrars) {
		if (registrars.isEmpty()) {
			return null;
		}
		return (registrars.size() == 1) ? registrars.get(0) : new CompositeRegistrar(registrars);
	}

	@Override
	public void registerMetrics(String poolName, String id, SocketAddress remoteAddress, ConnectionPoolMetrics metrics) {
		this.registrars.forEach((registrar) -> registrar.registerMetrics(poolName, id, remoteAddress, metrics));
	}

	@Override
	public void deRegisterMetrics(String poolName, String id, SocketAddress remoteAddress) {
		this.registrars.forEach((registrar) -> registrar.deRegisterMetrics(poolName, id, remoteAddress));
	}

}
