package io.conntrace;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.conntrace.testsupport.CompiledClasses;
import io.conntrace.trace.ConnectionTracing;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The core stands alone and its API is what docs/reactor-netty.md documents. The rules read this module's
 * compiled classes only: its output directory, not its tests nor the modules beside it.
 */
class ArchitectureTests {

	/** The packages a user may call; {@code io.conntrace.internal} is not one. */
	static final List<String> API_PACKAGES = List.of("io.conntrace.trace", "io.conntrace.metrics", "io.conntrace.pool",
			"io.conntrace.keepalive");

	/** This module's classes, wherever they are (its own output, never a sibling module's). */
	private static final JavaClasses CORE = ownClasses(ConnectionTracing.class);

	@Test
	void coreImportsNothingFromSpringNorFromTheBootModule() {
		assertThat(CORE).as("the core's classes").hasSizeGreaterThan(50);
		noClasses().should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework..", "io.conntrace.autoconfigure..")
			.check(CORE);
	}

	@Test
	void everyPackageIsAnApiPackageOrInternal() {
		Set<String> packages = CORE.stream().map(JavaClass::getPackageName).collect(Collectors.toSet());
		assertThat(packages).allMatch((name) -> API_PACKAGES.contains(name) || name.equals("io.conntrace.internal"));
	}

	@Test
	void everyPublicTypeOfTheApiIsDocumentedAndEveryDocumentedTypeIsPublic() throws IOException {
		Set<String> publicTypes = CORE.stream()
			.filter((type) -> API_PACKAGES.contains(type.getPackageName()))
			.filter((type) -> type.getModifiers().contains(com.tngtech.archunit.core.domain.JavaModifier.PUBLIC))
			.filter((type) -> type.getEnclosingClass().isEmpty() || isPublicNested(type))
			.map((type) -> type.getName().substring(type.getPackageName().length() + 1).replace('$', '.'))
			.collect(Collectors.toSet());
		String reference = Files.readString(Path.of("..", "docs", "reactor-netty.md"));
		Matcher named = Pattern.compile("^\\| `([A-Za-z.]+)` \\|", Pattern.MULTILINE).matcher(reference);
		Set<String> documented = new java.util.HashSet<>();
		while (named.find()) {
			documented.add(named.group(1));
		}
		assertThat(documented).as("the types docs/reactor-netty.md lists in its API tables")
			.containsExactlyInAnyOrderElementsOf(publicTypes);
	}

	static JavaClasses ownClasses(Class<?> member) {
		return new ClassFileImporter().importPath(CompiledClasses.of(member));
	}

	private static boolean isPublicNested(JavaClass type) {
		JavaClass outer = type.getEnclosingClass().orElseThrow();
		return Modifier.isPublic(type.reflect().getModifiers()) && outer.getModifiers()
			.contains(com.tngtech.archunit.core.domain.JavaModifier.PUBLIC);
	}

}
