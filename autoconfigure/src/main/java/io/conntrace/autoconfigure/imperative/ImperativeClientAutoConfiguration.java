package io.conntrace.autoconfigure.imperative;

import java.util.List;

import io.conntrace.autoconfigure.ConntraceListeners;
import io.conntrace.autoconfigure.keepalive.KeepAliveAutoConfiguration;
import io.conntrace.autoconfigure.pool.ConnectionPoolAutoConfiguration;
import io.conntrace.autoconfigure.pool.ConntracePool;
import io.conntrace.autoconfigure.retry.RetryProperties;
import io.conntrace.autoconfigure.retry.SendAgain;
import io.conntrace.autoconfigure.trace.ConnectionTraceAutoConfiguration;
import io.conntrace.keepalive.TcpKeepAlive;
import io.conntrace.trace.BlockingCalls;
import io.conntrace.trace.ConnectionListener;
import io.conntrace.trace.ConnectionTracing;
import io.conntrace.trace.RequestFailureDescriber;
import io.micrometer.observation.ObservationRegistry;
import reactor.netty.http.client.HttpClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.JdkClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.ReactorClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientsProperties;
import org.springframework.boot.thread.Threading;
import org.springframework.boot.util.LambdaSafe;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.task.VirtualThreadTaskExecutor;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * Auto-configuration of conntrace for the clients Boot builds from its {@link ClientHttpRequestFactoryBuilder}
 * (RestClient, RestTemplate, HTTP service clients of the default type, Spring Cloud Gateway's server-webmvc
 * proxy) when it builds them on Reactor Netty: conntrace's pool, TCP keep-alive, the connection facts on each
 * call's span and the stale-connection retry ({@link BlockingCalls}), through Boot's own customizer. A
 * reactive web application gets the builder Boot makes only for other applications, by the same rule, so
 * its RestClients are covered too. An application's own builder bean is traced, or named in one line when
 * conntrace cannot see its connections ({@link RequestFactoryBuilderPostProcessor}).
 */
@AutoConfiguration(after = { ConnectionPoolAutoConfiguration.class, KeepAliveAutoConfiguration.class,
		ConnectionTraceAutoConfiguration.class },
		afterName = "org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration")
@ConditionalOnClass({ HttpClient.class, ReactorClientHttpRequestFactoryBuilder.class,
		ClientHttpRequestFactoryBuilderCustomizer.class })
@ConditionalOnBooleanProperty(name = "conntrace.enabled", matchIfMissing = true)
@EnableConfigurationProperties({ RetryProperties.class, ImperativeHttpClientsProperties.class })
public final class ImperativeClientAutoConfiguration {

	/** What a blocking call gets: its observation found, the stale retry, descriptions of its failure. */
	@Bean
	@ConditionalOnMissingBean
	BlockingCalls conntraceBlockingCalls(ObjectProvider<ObservationRegistry> observationRegistry,
			RetryProperties retry, ObjectProvider<ConnectionListener> listener,
			ObjectProvider<RequestFailureDescriber> describers) {
		return BlockingCalls.create(observationRegistry.getIfAvailable(() -> ObservationRegistry.NOOP),
				SendAgain.rule(retry), ConntraceListeners.of(listener),
				describers.orderedStream().toList());
	}

	/**
	 * As conntrace's connector customizer for WebClient: in the same order, so an application's own customizer
	 * (later by default) can still choose another pool. On the event loops of Boot's {@code ReactorResourceFactory},
	 * as Boot's WebClient: Reactor Netty keys its pools on them, so WebClient's and RestClient's calls to a server
	 * share one pool and its limits (with Boot's defaults these are Reactor Netty's global loops, which the
	 * client would run on without conntrace).
	 */
	@Bean
	@Order(ConnectionPoolAutoConfiguration.ORDER)
	ClientHttpRequestFactoryBuilderCustomizer<ReactorClientHttpRequestFactoryBuilder> conntraceClientHttpRequestFactoryBuilderCustomizer(
			ObjectProvider<ConntracePool> pool, TcpKeepAlive keepAlive, ConnectionTracing tracing, BlockingCalls calls,
			ObjectProvider<ReactorResourceFactory> resources) {
		return (builder) -> {
			ReactorResourceFactory resourceFactory = resources.getIfAvailable();
			ReactorClientHttpRequestFactoryBuilder onLoops = (resourceFactory != null)
					? builder.withReactorResourceFactory(resourceFactory) : builder;
			// Without conntrace's pool (conntrace.pool.enabled=false), the builder's own: Reactor Netty's shared one.
			ConntracePool own = pool.getIfAvailable();
			ReactorClientHttpRequestFactoryBuilder pooled = (own != null)
					? onLoops.withHttpClientFactory(() -> HttpClient.create(own.provider())) : onLoops;
			return pooled.withHttpClientCustomizer(keepAlive::applySocketOption)
				.withHttpClientCustomizer((client) -> tracing.apply(client, calls));
		};
	}

	@Bean
	static RequestFactoryBuilderPostProcessor conntraceRequestFactoryBuilderPostProcessor(
			ObjectProvider<ConnectionTracing> tracing, ObjectProvider<BlockingCalls> calls,
			ObjectProvider<ImperativeHttpClientsProperties> properties) {
		return new RequestFactoryBuilderPostProcessor(tracing, calls, properties);
	}

	/**
	 * Boot makes its builder, and applies the customizers, only outside reactive web applications; a RestClient
	 * or HTTP service client there gets a builder detected from the class path with no customizer. This is
	 * Boot's builder by Boot's own rule ({@code spring.http.clients.imperative.factory}, else detection; the
	 * JDK's client on virtual threads when they are on), with every customizer applied, made where Boot's
	 * RestClient support is.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	@ConditionalOnClass(name = "org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration")
	static class ReactiveApplicationConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ClientHttpRequestFactoryBuilder<?> conntraceClientHttpRequestFactoryBuilder(ResourceLoader resourceLoader,
				Environment environment, ImperativeHttpClientsProperties properties,
				ObjectProvider<ClientHttpRequestFactoryBuilderCustomizer<?>> customizers) {
			ClientHttpRequestFactoryBuilder<?> builder = (properties.getFactory() != null)
					? RequestFactories.builder(properties.getFactory())
					: ClientHttpRequestFactoryBuilder.detect(resourceLoader.getClassLoader());
			if (builder instanceof JdkClientHttpRequestFactoryBuilder jdk && Threading.VIRTUAL.isActive(environment)) {
				builder = jdk.withExecutor(new VirtualThreadTaskExecutor("httpclient-"));
			}
			return customize(builder, customizers.orderedStream().toList());
		}

		@SuppressWarnings("unchecked")
		private static ClientHttpRequestFactoryBuilder<?> customize(ClientHttpRequestFactoryBuilder<?> builder,
				List<ClientHttpRequestFactoryBuilderCustomizer<?>> customizers) {
			ClientHttpRequestFactoryBuilder<?>[] customized = { builder };
			LambdaSafe.callbacks(ClientHttpRequestFactoryBuilderCustomizer.class, customizers, customized[0])
				.invoke((customizer) -> customized[0] = customizer.customize(customized[0]));
			return customized[0];
		}

	}

}
