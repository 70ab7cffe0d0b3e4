package io.conntrace.sample;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The faults the sample injects into its own local servers, and how its scenarios drive them.
 *
 * @param dnsDelay how long the local DNS server waits before it answers
 * @param tlsDelay how long the proxy in front of a TLS server holds the server's first bytes
 * @param slowResponse how long the pool-starvation target takes to answer
 * @param pause think time between two requests that should share a connection
 * @param serverIdleTimeout how long the stale-connection target keeps an idle connection open
 * @param staleWait how long the stale-connection scenario waits before its second request; longer
 * than {@code serverIdleTimeout}, shorter than the client's own idle limit (none by default)
 * @param starvationPoolSize maximum connections of the pool-starvation client
 * @param starvationBurst concurrent requests the pool-starvation scenario sends
 * @param starvationPort the pool-starvation target's port, chosen at startup ({@link StarvationPool})
 */
@ConfigurationProperties("sample")
record SampleProperties(Duration dnsDelay, Duration tlsDelay, Duration slowResponse, Duration pause,
		Duration serverIdleTimeout, Duration staleWait, int starvationPoolSize, int starvationBurst,
		int starvationPort) {

}
