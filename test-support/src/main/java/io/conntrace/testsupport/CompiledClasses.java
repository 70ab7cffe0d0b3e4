package io.conntrace.testsupport;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Where a module's compiled classes are, for tests that read them (architecture rules, bytecode checks). */
public final class CompiledClasses {

	private CompiledClasses() {
	}

	/**
	 * Return the output directory or jar a class was loaded from.
	 * @param member a class of the module
	 * @return its module's classes: a directory in a reactor build, a jar once packaged
	 */
	public static Path of(Class<?> member) {
		try {
			return Path.of(member.getProtectionDomain().getCodeSource().getLocation().toURI());
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
