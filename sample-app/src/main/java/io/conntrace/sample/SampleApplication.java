package io.conntrace.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * A user's application: the conntrace starter plus ordinary Boot starters. At startup it runs its
 * own target servers on 127.0.0.1 and serves one endpoint per scenario, {@code GET /scenarios/<name>},
 * that drives its WebClients against them; every request's span goes to Zipkin with the facts of the
 * connection it really used.
 */
@SpringBootApplication
@EnableConfigurationProperties(SampleProperties.class)
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
