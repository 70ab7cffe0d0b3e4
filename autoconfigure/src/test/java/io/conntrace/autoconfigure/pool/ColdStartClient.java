package io.conntrace.autoconfigure.pool;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

import brave.handler.MutableSpan;
import io.conntrace.testsupport.TracedContext;
import io.conntrace.testsupport.TracedContext.CapturedSpans;
import org.awaitility.Awaitility;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The first request of a fresh JVM, run by {@link ColdStartTests} in a process of its own: a Boot
 * application context with conntrace sends one GET (given a certificate, over TLS, trusting it through an
 * SSL bundle) and prints its span's conntrace attributes on a line starting with {@code COLD }.
 */
public final class ColdStartClient {

	private ColdStartClient() {
	}

	public static void main(String[] args) {
		String url = args[0];
		String[] properties = (args.length > 1)
				? new String[] { "spring.ssl.bundle.pem.test.truststore.certificate=file:" + args[1],
						"spring.http.clients.ssl.bundle=test" }
				: new String[0];
		TracedContext.runner()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class))
			.withPropertyValues(properties)
			.run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).build();
				client.get().uri(url).retrieve().bodyToMono(String.class).block(Duration.ofSeconds(30));
				CapturedSpans spans = context.getBean(CapturedSpans.class);
				Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !spans.client().isEmpty());
				MutableSpan span = spans.client().get(0);
				Map<String, String> tags = span.tags();
				System.out.println("COLD " + tags.entrySet()
					.stream()
					.filter((tag) -> tag.getKey().startsWith("conntrace.") || tag.getKey().startsWith("tls."))
					.map((tag) -> tag.getKey() + "=" + tag.getValue())
					.collect(Collectors.joining(" ")));
			});
		System.exit(0);
	}

}
