package io.conntrace.autoconfigure.imperative;

import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpComponentsClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.JdkClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.JettyClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.ReactorClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientsProperties;

/** Boot's imperative client factories: the builder for a {@code spring.http.clients.imperative.factory}, a name for logs. */
final class RequestFactories {

	private RequestFactories() {
	}

	static ClientHttpRequestFactoryBuilder<?> builder(ImperativeHttpClientsProperties.Factory factory) {
		return switch (factory) {
			case HTTP_COMPONENTS -> ClientHttpRequestFactoryBuilder.httpComponents();
			case JETTY -> ClientHttpRequestFactoryBuilder.jetty();
			case REACTOR -> ClientHttpRequestFactoryBuilder.reactor();
			case JDK -> ClientHttpRequestFactoryBuilder.jdk();
			case SIMPLE -> ClientHttpRequestFactoryBuilder.simple();
		};
	}

	/** The client a builder makes requests with, as a user knows it. */
	static String client(ClientHttpRequestFactoryBuilder<?> builder) {
		if (builder instanceof ReactorClientHttpRequestFactoryBuilder) {
			return "Reactor Netty";
		}
		if (builder instanceof HttpComponentsClientHttpRequestFactoryBuilder) {
			return "Apache HttpClient";
		}
		if (builder instanceof JettyClientHttpRequestFactoryBuilder) {
			return "Jetty's HttpClient";
		}
		if (builder instanceof JdkClientHttpRequestFactoryBuilder) {
			return "the JDK's HttpClient";
		}
		return builder.getClass().getSimpleName();
	}

}
