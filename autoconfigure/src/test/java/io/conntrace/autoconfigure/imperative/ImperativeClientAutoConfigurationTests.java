package io.conntrace.autoconfigure.imperative;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import brave.handler.MutableSpan;
import io.conntrace.testsupport.CountingServer;
import io.conntrace.testsupport.TracedContext;
import io.conntrace.testsupport.TracedContext.CapturedSpans;
import io.conntrace.trace.BlockingCalls;
import io.micrometer.observation.ObservationRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioChannelOption;
import jdk.net.ExtendedSocketOptions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.ReactorClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.http.client.reactive.ClientHttpConnectorBuilder;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ReactorClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What conntrace does to the clients Boot builds from its request factory builder, and to builder beans an
 * application declares itself: traced, or named in one line. Never silence.
 */
@ExtendWith(OutputCaptureExtension.class)
class ImperativeClientAutoConfigurationTests {

	private final ApplicationContextRunner runner = TracedContext.runner()
		.withConfiguration(AutoConfigurations.of(ImperativeHttpClientAutoConfiguration.class));

	@Test
	void bootsBuilderGetsConntracesCustomizerAndTheChoiceOfReactorNettyIsSaid(CapturedOutput output) {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(BlockingCalls.class);
			assertThat(context).getBean(ClientHttpRequestFactoryBuilder.class)
				.isInstanceOf(ReactorClientHttpRequestFactoryBuilder.class);
			assertThat(context.getBeansOfType(ClientHttpRequestFactoryBuilderCustomizer.class))
				.containsKey("conntraceClientHttpRequestFactoryBuilderCustomizer");
			assertThat(output).contains("they run on Reactor Netty, picked from the class path")
				.contains("spring.http.clients.imperative.factory=jdk");
		});
	}

	@Test
	void bootsBuilderOnAnotherClientIsNamedWithTheFix(CapturedOutput output) {
		this.runner.withPropertyValues("spring.http.clients.imperative.factory=jdk").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(output).contains("RestClient, RestTemplate and HTTP service clients run on the JDK's HttpClient "
					+ "(spring.http.clients.imperative.factory): conntrace sees Reactor Netty's connections only")
				.doesNotContain("picked from the class path");
		});
	}

	@Test
	void tracesTheClientsOfBootsBuilder() throws Exception {
		try (CountingServer server = CountingServer.http()) {
			this.runner.run((context) -> assertTraced(context, context.getBean(ClientHttpRequestFactoryBuilder.class),
					server));
		}
	}

	@Test
	void keepAliveOptionsAreOnTheSocketsOfBootsBuilder() throws Exception {
		AtomicReference<Channel> channel = new AtomicReference<>();
		ClientHttpRequestFactoryBuilderCustomizer<ReactorClientHttpRequestFactoryBuilder> capture = (builder) -> builder
			.withHttpClientCustomizer((client) -> client.doOnConnected((connection) -> channel.set(connection.channel())));
		try (CountingServer server = CountingServer.http()) {
			this.runner.withBean("capture", ClientHttpRequestFactoryBuilderCustomizer.class, () -> capture)
				.withPropertyValues("conntrace.keep-alive.idle=30s", "conntrace.keep-alive.interval=5s",
						"conntrace.keep-alive.count=4")
				.run((context) -> {
					RestClient client = RestClient.builder()
						.requestFactory(context.getBean(ClientHttpRequestFactoryBuilder.class).build())
						.build();
					assertThat(client.get().uri(server.url("/")).retrieve().body(String.class)).isEqualTo("ok");
					ChannelConfig config = channel.get().config();
					assertThat(config.getOption(ChannelOption.SO_KEEPALIVE)).isTrue();
					assertThat(config.getOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE))).isEqualTo(30);
					assertThat(config.getOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL)))
						.isEqualTo(5);
					assertThat(config.getOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT))).isEqualTo(4);
				});
		}
	}

	@Test
	void tracesAnApplicationsOwnReactorBuilderAndSaysItsPoolIsItsOwn(CapturedOutput output) throws Exception {
		try (CountingServer server = CountingServer.http()) {
			this.runner.withUserConfiguration(OwnReactorBuilder.class).run((context) -> {
				assertThat(context).doesNotHaveBean("clientHttpRequestFactoryBuilder");
				assertThat(output).contains("ClientHttpRequestFactoryBuilder bean 'ownBuilder'")
					.contains("conntrace.pool.* and conntrace.keep-alive.* reach only Boot's own builder");
				assertTraced(context, context.getBean(ClientHttpRequestFactoryBuilder.class), server);
			});
		}
	}

	@Test
	void namesAnApplicationsOwnBuilderOnAnotherClientWithTheFix(CapturedOutput output) {
		this.runner.withUserConfiguration(OwnJdkBuilder.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(output).contains("WARN")
				.contains("conntrace cannot see the connections of the clients made from the "
						+ "ClientHttpRequestFactoryBuilder bean 'ownBuilder': they run on the JDK's HttpClient")
				.contains("ClientHttpRequestFactoryBuilder.reactor()");
		});
	}

	@Test
	void tracesAnApplicationsOwnReactorConnectorBuilder(CapturedOutput output) throws Exception {
		try (CountingServer server = CountingServer.http()) {
			this.runner.withUserConfiguration(OwnConnectorBuilder.class).run((context) -> {
				assertThat(output).contains("ClientHttpConnectorBuilder bean 'ownConnectorBuilder'");
				WebClient client = context.getBean(WebClient.Builder.class).build();
				assertThat(client.get().uri(server.url("/")).retrieve().bodyToMono(String.class).block())
					.isEqualTo("ok");
				assertFacts(context, server);
			});
		}
	}

	@Test
	void namesAnApplicationsOwnConnectorBuilderOnAnotherClient(CapturedOutput output) {
		this.runner.withUserConfiguration(OwnJdkConnectorBuilder.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(output).contains("conntrace cannot see the connections of the WebClients built on the "
					+ "ClientHttpConnectorBuilder bean 'ownConnectorBuilder'");
		});
	}

	/** Without Boot's RestClient support (its own test module has it) a reactive application gets no builder. */
	@Test
	void aReactiveApplicationWithoutBootsRestClientSupportGetsNoBuilder() {
		new ReactiveWebApplicationContextRunner().withConfiguration(TracedContext.BOOT)
			.withConfiguration(TracedContext.CONNTRACE)
			.withConfiguration(AutoConfigurations.of(ImperativeHttpClientAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(ClientHttpRequestFactoryBuilder.class);
			});
	}

	@Test
	void aReactiveApplicationsOwnBuilderWins() {
		new ReactiveWebApplicationContextRunner().withConfiguration(TracedContext.BOOT)
			.withConfiguration(TracedContext.CONNTRACE)
			.withUserConfiguration(OwnJdkBuilder.class)
			.run((context) -> assertThat(context).getBeanNames(ClientHttpRequestFactoryBuilder.class)
				.containsExactly("ownBuilder"));
	}

	@Test
	void worksWithoutWebClient() throws Exception {
		try (CountingServer server = CountingServer.http()) {
			this.runner.withClassLoader(new FilteredClassLoader(WebClient.class)).run((context) -> {
				assertThat(context).hasNotFailed();
				assertTraced(context, context.getBean(ClientHttpRequestFactoryBuilder.class), server);
			});
		}
	}

	/** An application that names its beans its own way: Boot's builder is still told from an application's. */
	@Test
	void tellsBootsBuilderByTheClassThatMadeIt(CapturedOutput output) throws Exception {
		try (CountingServer server = CountingServer.http()) {
			this.runner.withInitializer((context) -> ((org.springframework.context.support.GenericApplicationContext) context)
				.getDefaultListableBeanFactory()
				.registerSingleton(org.springframework.context.annotation.AnnotationConfigUtils.CONFIGURATION_BEAN_NAME_GENERATOR,
						new org.springframework.context.annotation.AnnotationBeanNameGenerator()))
				.run((context) -> {
					assertThat(context).hasNotFailed();
					assertThat(output).doesNotContain("conntrace traces the RestClient, RestTemplate and HTTP service clients made from");
					assertTraced(context, context.getBean(ClientHttpRequestFactoryBuilder.class), server);
				});
		}
	}

	@Test
	void backsOffWhenDisabled() {
		this.runner.withPropertyValues("conntrace.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(BlockingCalls.class);
			assertThat(context).doesNotHaveBean(RequestFactoryBuilderPostProcessor.class);
			assertThat(context.getBeansOfType(ClientHttpRequestFactoryBuilderCustomizer.class)).isEmpty();
		});
	}

	@Test
	void backsOffWithoutReactorNetty() {
		this.runner.withClassLoader(new FilteredClassLoader(reactor.netty.http.client.HttpClient.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(BlockingCalls.class);
			});
	}

	private static void assertTraced(AssertableApplicationContext context, ClientHttpRequestFactoryBuilder<?> builder,
			CountingServer server) {
		ClientHttpRequestFactory factory = builder.build();
		assertThat(factory).isInstanceOf(ReactorClientHttpRequestFactory.class);
		RestClient client = RestClient.builder()
			.requestFactory(factory)
			.observationRegistry(context.getBean(ObservationRegistry.class))
			.build();
		assertThat(client.get().uri(server.url("/")).retrieve().body(String.class)).isEqualTo("ok");
		assertFacts(context, server);
	}

	private static void assertFacts(AssertableApplicationContext context, CountingServer server) {
		CapturedSpans spans = context.getBean(CapturedSpans.class);
		Awaitility.await().until(() -> !spans.client().isEmpty());
		List<MutableSpan> client = spans.client();
		assertThat(client).hasSize(1);
		assertThat(client.get(0).tag("conntrace.connection.reused")).isEqualTo("false");
		assertThat(server.accepted()).isEqualTo(1);
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnReactorBuilder {

		@Bean
		ClientHttpRequestFactoryBuilder<?> ownBuilder() {
			return ClientHttpRequestFactoryBuilder.reactor();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnJdkBuilder {

		@Bean
		ClientHttpRequestFactoryBuilder<?> ownBuilder() {
			return ClientHttpRequestFactoryBuilder.jdk();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnConnectorBuilder {

		@Bean
		ClientHttpConnectorBuilder<?> ownConnectorBuilder() {
			return ClientHttpConnectorBuilder.reactor();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnJdkConnectorBuilder {

		@Bean
		ClientHttpConnectorBuilder<?> ownConnectorBuilder() {
			return ClientHttpConnectorBuilder.jdk();
		}

	}

}
