package io.conntrace.sample;

import java.time.Duration;
import java.util.List;

import io.conntrace.testsupport.DelayedDnsServer;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.resolver.ResolvedAddressTypes;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import reactor.core.publisher.Mono;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A host name resolved through a slow name server: the client's resolver asks only the local DNS
 * server, which takes its time to answer.
 */
@Component
final class SlowDnsScenario implements Scenario, AutoCloseable {

	/** Any name does: the local DNS server answers every A query with 127.0.0.1. */
	private static final String HOST = "slow-dns.conntrace.test";

	private final TargetServer target = TargetServer.http();

	private final DelayedDnsServer dns;

	private final DnsAddressResolverGroup resolver;

	private final OwnPoolClients clients;

	private final SampleProperties properties;

	SlowDnsScenario(WebClient.Builder builder, SampleProperties properties) {
		// A TTL of zero: the resolver lives as long as the app, and every run must show its lookup.
		this.dns = new DelayedDnsServer(properties.dnsDelay(), Duration.ZERO);
		this.resolver = new DnsAddressResolverGroup(new DnsNameResolverBuilder()
			.datagramChannelType(NioDatagramChannel.class)
			.nameServerProvider(new SingletonDnsServerAddressStreamProvider(this.dns.address()))
			.resolvedAddressTypes(ResolvedAddressTypes.IPV4_ONLY));
		this.clients = new OwnPoolClients(builder);
		this.properties = properties;
	}

	@Override
	public String name() {
		return "slow-dns";
	}

	@Override
	public String lookFor() {
		return "first request: reused=false with dns_ms >= " + this.properties.dnsDelay().toMillis()
				+ " and a conntrace.dns annotation; second: reused=true, no dns_ms";
	}

	@Override
	public TargetServer target() {
		return this.target;
	}

	@Override
	public Mono<List<String>> run() {
		String url = "http://" + HOST + ":" + this.target.port() + "/";
		return this.clients.withNewPool(() -> ConnectionProvider.builder("slow-dns").maxConnections(1),
				(client) -> client.resolver(this.resolver),
				(client) -> Requests.sequential(client, url, 2, this.properties.pause()));
	}

	@Override
	public void close() {
		this.resolver.close();
		this.dns.close();
		this.target.close();
	}

}
