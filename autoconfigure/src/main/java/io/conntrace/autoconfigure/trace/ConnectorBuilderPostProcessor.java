package io.conntrace.autoconfigure.trace;

import java.util.Set;

import io.conntrace.autoconfigure.BuilderBeans;
import io.conntrace.trace.ConnectionTracing;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.http.client.reactive.ClientHttpConnectorBuilder;
import org.springframework.boot.http.client.reactive.ReactorClientHttpConnectorBuilder;

/**
 * Reaches an application's own {@link ClientHttpConnectorBuilder} bean, which Boot uses for its WebClient.Builder
 * instead of its own and so never customizes: one of Reactor Netty's is traced (its pool stays its own, which one
 * line says), any other is named in a WARN with the fix. Never silence.
 */
final class ConnectorBuilderPostProcessor implements BeanPostProcessor, BeanFactoryAware {

	private static final Log logger = LogFactory.getLog(ConnectionTraceAutoConfiguration.class);

	/** Boot's builder, which conntrace's customizers reach. */
	private static final Set<String> AUTO_CONFIGURATIONS = Set
		.of("org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration");

	private final ObjectProvider<ConnectionTracing> tracing;

	private @Nullable BeanFactory beanFactory;

	ConnectorBuilderPostProcessor(ObjectProvider<ConnectionTracing> tracing) {
		this.tracing = tracing;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (!(bean instanceof ClientHttpConnectorBuilder<?> builder)
				|| BuilderBeans.madeBy(this.beanFactory, beanName, AUTO_CONFIGURATIONS)) {
			return bean;
		}
		if (builder instanceof ReactorClientHttpConnectorBuilder reactor) {
			logger.info("conntrace traces the WebClients built on the ClientHttpConnectorBuilder bean '" + beanName
					+ "', on the pool that builder gives them: conntrace.pool.* and conntrace.keep-alive.* reach only "
					+ "Boot's own builder. To have them, remove the bean and customize Boot's builder with a "
					+ "ClientHttpConnectorBuilderCustomizer");
			// Looked up when a client is built, not while the application's beans are still being made.
			return reactor.withHttpClientCustomizer((client) -> this.tracing.getObject().apply(client));
		}
		logger.warn("conntrace cannot see the connections of the WebClients built on the ClientHttpConnectorBuilder "
				+ "bean '" + beanName + "': they do not run on Reactor Netty, so their spans carry no conntrace.* "
				+ "attributes. Fix: make the bean ClientHttpConnectorBuilder.reactor() (conntrace then traces it), or "
				+ "remove it and set spring.http.clients.reactive.connector=reactor");
		return bean;
	}

}
