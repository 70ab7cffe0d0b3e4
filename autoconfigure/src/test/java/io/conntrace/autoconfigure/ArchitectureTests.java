package io.conntrace.autoconfigure;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.conntrace.testsupport.CompiledClasses;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Boot module is wiring over the core's API: it never reaches into the core's internal package, and it
 * adds no class to the core's packages. The rules read this module's compiled classes only.
 */
class ArchitectureTests {

	/** This module's output directory: not its tests, nor the core beside it. */
	private static final JavaClasses BOOT = ownClasses();

	private static JavaClasses ownClasses() {
		return new ClassFileImporter().importPath(CompiledClasses.of(ConntraceProperties.class));
	}

	@Test
	void usesOnlyTheCoresApiPackages() {
		assertThat(BOOT).as("the Boot module's classes").hasSizeGreaterThan(30);
		noClasses().should().dependOnClassesThat().resideInAPackage("io.conntrace.internal..").check(BOOT);
	}

	@Test
	void addsNothingToTheCoresPackages() {
		classes().should().resideInAPackage("io.conntrace.autoconfigure..").check(BOOT);
	}

}
