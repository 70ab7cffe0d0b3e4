package io.conntrace.trace;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import io.conntrace.testsupport.CompiledClasses;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link HookFaults} reaches every guarded block of the core: in each method, at least as many calls that fail
 * a hook as calls to {@code Guard.failed} (the compiler may split one block's range in two), so a test that
 * fails a hook cannot pass because some block of it was left out.
 */
class HookFaultsTests {

	@Test
	void everyGuardedBlockOfTheCoreCanBeFailed() throws Exception {
		Map<String, byte[]> classes = coreTraceClasses();
		assertThat(classes).as("the core's io.conntrace.trace classes").hasSizeGreaterThan(30);
		Map<String, Integer> guarded = new HashMap<>();
		Map<String, Integer> failing = new HashMap<>();
		classes.forEach((name, bytes) -> {
			count(name, bytes, "io/conntrace/trace/Guard", "failed", guarded);
			byte[] rewritten = HookFaults.rewrite(bytes);
			if (rewritten != null) {
				count(name, rewritten, "io/conntrace/trace/HookFaults", "failAt", failing);
			}
		});
		assertThat(guarded.values().stream().mapToInt(Integer::intValue).sum()).as("Guard.failed call sites")
			.isGreaterThan(30);
		assertThat(guarded).allSatisfy((method, sites) -> assertThat(failing.getOrDefault(method, 0)).as(method)
			.isGreaterThanOrEqualTo(sites));
	}

	/** Counts the calls to one static method, per method of the class. */
	private static void count(String className, byte[] bytes, String owner, String method, Map<String, Integer> counts) {
		new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {

			@Override
			public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
					String[] exceptions) {
				String key = className + "." + name + descriptor;
				return new MethodVisitor(Opcodes.ASM9) {

					@Override
					public void visitMethodInsn(int opcode, String called, String calledName, String calledDescriptor,
							boolean isInterface) {
						if (opcode == Opcodes.INVOKESTATIC && called.equals(owner) && calledName.equals(method)) {
							counts.merge(key, 1, Integer::sum);
						}
					}

				};
			}

		}, 0);
	}

	/** The core's classes of this package, from its jar or its output directory. */
	private static Map<String, byte[]> coreTraceClasses() throws IOException {
		Path location = CompiledClasses.of(ConnectionTracing.class);
		Map<String, byte[]> classes = new HashMap<>();
		if (Files.isDirectory(location)) {
			try (Stream<Path> files = Files.walk(location.resolve("io/conntrace/trace"))) {
				for (Path file : files.filter((path) -> path.toString().endsWith(".class")).toList()) {
					classes.put(location.relativize(file).toString(), Files.readAllBytes(file));
				}
			}
		}
		else {
			try (JarFile jar = new JarFile(location.toFile())) {
				for (JarEntry entry : jar.stream().toList()) {
					if (entry.getName().startsWith("io/conntrace/trace/") && entry.getName().endsWith(".class")) {
						try (InputStream in = jar.getInputStream(entry)) {
							classes.put(entry.getName(), in.readAllBytes());
						}
					}
				}
			}
		}
		return classes;
	}

}
