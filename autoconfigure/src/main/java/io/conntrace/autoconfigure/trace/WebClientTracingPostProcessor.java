package io.conntrace.autoconfigure.trace;

import io.conntrace.trace.ConnectionTracing;
import io.micrometer.observation.ObservationRegistry;
import reactor.netty.http.client.HttpClient;

import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Reaches the clients Boot's connector customizer cannot: a Reactor Netty {@link HttpClient} bean is
 * instrumented in place, and a {@link WebClient} bean is rebuilt from its own {@code mutate()} copy
 * (every setting kept) with the application's observation registry, which a client made with
 * {@code WebClient.create()} lacks and without which it makes no span at all, plus a
 * {@link ConnectorCheck} that says once if its connector is out of conntrace's reach.
 */
final class WebClientTracingPostProcessor implements BeanPostProcessor {

	private final ObjectProvider<ConnectionTracing> tracing;

	private final ObjectProvider<ObservationRegistry> observationRegistry;

	private final boolean webClientBeans;

	WebClientTracingPostProcessor(ObjectProvider<ConnectionTracing> tracing,
			ObjectProvider<ObservationRegistry> observationRegistry, boolean webClientBeans) {
		this.tracing = tracing;
		this.observationRegistry = observationRegistry;
		this.webClientBeans = webClientBeans;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof HttpClient httpClient) {
			return this.tracing.getObject().apply(httpClient);
		}
		// A proxy's target is post-processed on its own; mutating the proxy at startup would resolve its scope.
		if (bean instanceof WebClient webClient && this.webClientBeans && !AopUtils.isAopProxy(bean)
				&& !ScopedProxyUtils.isScopedTarget(beanName)) {
			ObservationRegistry registry = this.observationRegistry.getIfAvailable();
			if (registry != null) {
				return webClient.mutate().observationRegistry(registry).filter(new ConnectorCheck(beanName)).build();
			}
		}
		return bean;
	}

}
