package io.conntrace.autoconfigure.aot;

import java.lang.reflect.Field;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hints are found where Spring's AOT looks for them and cover the field the core reads, which must still be
 * where Reactor Netty keeps it.
 */
class ConntraceRuntimeHintsTests {

	@Test
	void registeredInAotFactoriesAndCoveringTheConnectMonosConfig() throws Exception {
		RuntimeHints hints = new RuntimeHints();
		SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories")
			.load(RuntimeHintsRegistrar.class)
			.forEach((registrar) -> registrar.registerHints(hints, getClass().getClassLoader()));
		Field config = Class.forName(ConntraceRuntimeHints.CONNECT_MONO).getDeclaredField("config");
		assertThat(RuntimeHintsPredicates.reflection().onFieldAccess(config)).accepts(hints);
		for (String name : ConntraceRuntimeHints.BY_NAME) {
			Class.forName(name, false, getClass().getClassLoader());
			assertThat(RuntimeHintsPredicates.reflection().onType(TypeReference.of(name))).as(name).accepts(hints);
		}
	}

}
