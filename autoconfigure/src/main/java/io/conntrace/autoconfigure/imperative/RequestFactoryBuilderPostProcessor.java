package io.conntrace.autoconfigure.imperative;

import java.util.Set;

import io.conntrace.autoconfigure.BuilderBeans;
import io.conntrace.trace.BlockingCalls;
import io.conntrace.trace.ConnectionTracing;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.ReactorClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientsProperties;

/**
 * Says, as the application starts, what conntrace sees of the clients made from each
 * {@link ClientHttpRequestFactoryBuilder} bean: never silence. Boot's own builder (or the one conntrace makes
 * in a reactive application) is customized by {@link ImperativeClientAutoConfiguration}; when Boot picked
 * Reactor Netty without being told to, one line says so and how to keep another client, and when it picked
 * another client, one line says conntrace cannot see it and how to change that. An application's own
 * builder bean, which Boot uses instead of its own and so never customizes, is traced when it is Reactor
 * Netty's (its pool stays its own) and otherwise named in a WARN with the fix.
 */
final class RequestFactoryBuilderPostProcessor implements BeanPostProcessor, BeanFactoryAware {

	private static final Log logger = LogFactory.getLog(ImperativeClientAutoConfiguration.class);

	/** Boot's builder, which conntrace's customizer reaches. */
	private static final Set<String> BOOT_CONFIGURATION = Set
		.of("org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration");

	/** conntrace's builder in Boot's place, in a reactive application. */
	private static final Set<String> REACTIVE_CONFIGURATION = Set
		.of(ImperativeClientAutoConfiguration.ReactiveApplicationConfiguration.class.getName());

	private static final String PROPERTY = "spring.http.clients.imperative.factory";

	private final ObjectProvider<ConnectionTracing> tracing;

	private final ObjectProvider<BlockingCalls> calls;

	private final ObjectProvider<ImperativeHttpClientsProperties> properties;

	private @Nullable BeanFactory beanFactory;

	RequestFactoryBuilderPostProcessor(ObjectProvider<ConnectionTracing> tracing, ObjectProvider<BlockingCalls> calls,
			ObjectProvider<ImperativeHttpClientsProperties> properties) {
		this.tracing = tracing;
		this.calls = calls;
		this.properties = properties;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		if (!(bean instanceof ClientHttpRequestFactoryBuilder<?> builder)) {
			return bean;
		}
		if (BuilderBeans.madeBy(this.beanFactory, beanName, BOOT_CONFIGURATION)) {
			tellChoice(builder, true);
			return bean;
		}
		if (BuilderBeans.madeBy(this.beanFactory, beanName, REACTIVE_CONFIGURATION)) {
			// Reactor Netty is what a WebFlux application on Netty had already: no choice to tell about.
			tellChoice(builder, false);
			return bean;
		}
		if (builder instanceof ReactorClientHttpRequestFactoryBuilder reactor) {
			logger.info("conntrace traces the RestClient, RestTemplate and HTTP service clients made from the "
					+ "ClientHttpRequestFactoryBuilder bean '" + beanName + "', on the pool that builder gives them: "
					+ "conntrace.pool.* and conntrace.keep-alive.* reach only Boot's own builder. To have them, remove the "
					+ "bean and customize Boot's builder with a ClientHttpRequestFactoryBuilderCustomizer");
			// Looked up when a client is built, not while the application's beans are still being made.
			return reactor.withHttpClientCustomizer(
					(client) -> this.tracing.getObject().apply(client, this.calls.getObject()));
		}
		logger.warn("conntrace cannot see the connections of the clients made from the ClientHttpRequestFactoryBuilder "
				+ "bean '" + beanName + "': they run on " + RequestFactories.client(builder) + ", not Reactor Netty, so "
				+ "their spans carry no conntrace.* attributes. Fix: make the bean ClientHttpRequestFactoryBuilder.reactor()"
				+ " (conntrace then traces it), or remove it and set " + PROPERTY + "=reactor");
		return bean;
	}

	/**
	 * @param jdkBefore whether the application may have had the JDK's client before the starter brought Reactor
	 * Netty (a servlet or non-web application)
	 */
	private void tellChoice(ClientHttpRequestFactoryBuilder<?> builder, boolean jdkBefore) {
		ImperativeHttpClientsProperties properties = this.properties.getIfAvailable();
		boolean chosen = properties != null && properties.getFactory() != null;
		if (builder instanceof ReactorClientHttpRequestFactoryBuilder) {
			if (!chosen && jdkBefore) {
				logger.info("conntrace traces RestClient, RestTemplate and HTTP service clients: they run on Reactor "
						+ "Netty, picked from the class path (" + PROPERTY + " is not set; the conntrace starter brings "
						+ "Reactor Netty). An application with neither Apache HttpClient nor Jetty's "
						+ "client would get the JDK's HttpClient without the starter: to keep it, set " + PROPERTY
						+ "=jdk (conntrace then cannot see those connections)");
			}
			return;
		}
		logger.info("RestClient, RestTemplate and HTTP service clients run on " + RequestFactories.client(builder)
				+ (chosen ? " (" + PROPERTY + ")" : ", which Boot picked from the class path")
				+ ": conntrace sees Reactor Netty's connections only, so their spans carry no conntrace.* attributes. "
				+ "To trace them, set " + PROPERTY + "=reactor");
	}

}
