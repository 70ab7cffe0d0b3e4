package io.conntrace.trace;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Field;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.jspecify.annotations.Nullable;

/**
 * Makes a hook fail, to prove that a failure never reaches the request, without a seam in conntrace's classes.
 * The first use rewrites the bytecode of conntrace's {@code io.conntrace.trace} classes in this JVM (through
 * Byte Buddy's agent): every {@code try} block whose handler hands a {@link Hook} to {@code Guard.failed} starts
 * with a call to {@link #failAt}, which throws while that hook is armed. What is rewritten is found from the
 * handlers themselves, so a hook added or moved later is covered without this class knowing it.
 */
final class HookFaults {

	private static final String HOOK = "io/conntrace/trace/Hook";

	private static final String SELF = "io/conntrace/trace/HookFaults";

	private static final String GUARD = "io/conntrace/trace/Guard";

	private static volatile @Nullable Hook armed;

	private static boolean woven;

	/** What the class loader could not rewrite: the JVM drops a transformer's exception and loads the class as it was. */
	private static final List<String> FAILED = new java.util.concurrent.CopyOnWriteArrayList<>();

	private HookFaults() {
	}

	/**
	 * Make every place guarded for the hook fail from now on, and let its next failure be logged at WARN
	 * again.
	 * @param hook the hook, {@code null} for none
	 */
	static synchronized void arm(@Nullable Hook hook) {
		if (!woven) {
			weave();
			woven = true;
		}
		if (!FAILED.isEmpty()) {
			throw new IllegalStateException("conntrace classes left as they were: " + FAILED);
		}
		forgetWarnings();
		armed = hook;
	}

	/** Stop failing, and forget which hooks have been warned about. */
	static void disarm() {
		armed = null;
		forgetWarnings();
	}

	/**
	 * Called by the rewritten classes at the start of each guarded block.
	 * @param hook the hook the block is guarded for
	 */
	public static void failAt(Hook hook) {
		if (armed == hook) {
			throw new IllegalStateException("conntrace fault injected at " + hook);
		}
	}

	/** {@code Guard} warns once per hook and JVM; a test that fails a hook wants to see its warning. */
	private static void forgetWarnings() {
		try {
			Field field = Guard.class.getDeclaredField("warned");
			field.setAccessible(true);
			Set<?> warned = (Set<?>) field.get(null);
			synchronized (warned) {
				warned.clear();
			}
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("Guard keeps its warned hooks elsewhere now", ex);
		}
	}

	private static void weave() {
		Instrumentation instrumentation = ByteBuddyAgent.install();
		ClassFileTransformer transformer = new ClassFileTransformer() {

			@Override
			public byte @Nullable [] transform(@Nullable ClassLoader loader, String className,
					@Nullable Class<?> redefined, ProtectionDomain domain, byte[] bytes) {
				if (!className.startsWith("io/conntrace/trace/") || className.equals(SELF)) {
					return null;
				}
				try {
					return rewrite(bytes);
				}
				catch (Throwable ex) {
					FAILED.add(className + ": " + ex);
					return null;
				}
			}

		};
		instrumentation.addTransformer(transformer, true);
		List<Class<?>> loaded = new ArrayList<>();
		for (Class<?> type : instrumentation.getAllLoadedClasses()) {
			if (type.getName().startsWith("io.conntrace.trace.") && instrumentation.isModifiableClass(type)) {
				loaded.add(type);
			}
		}
		try {
			instrumentation.retransformClasses(loaded.toArray(new Class<?>[0]));
		}
		catch (Exception ex) {
			throw new IllegalStateException("could not rewrite conntrace's classes", ex);
		}
	}

	/** The class with the calls added, {@code null} if it has no guarded block. */
	static byte @Nullable [] rewrite(byte[] bytes) {
		ClassReader reader = new ClassReader(bytes);
		Map<String, List<@Nullable String>> hooks = guardedBlocks(reader);
		if (hooks.values().stream().flatMap(List::stream).allMatch((hook) -> hook == null)) {
			return null;
		}
		ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
		reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {

			@Override
			public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
					String[] exceptions) {
				MethodVisitor method = super.visitMethod(access, name, descriptor, signature, exceptions);
				List<@Nullable String> blocks = hooks.get(name + descriptor);
				return (blocks != null) ? new FailingBlocks(method, blocks) : method;
			}

		}, 0);
		return writer.toByteArray();
	}

	/** Per method, the hook each try-catch block (in the order they are declared) is guarded for, or null. */
	private static Map<String, List<@Nullable String>> guardedBlocks(ClassReader reader) {
		Map<String, List<@Nullable String>> hooks = new HashMap<>();
		reader.accept(new ClassVisitor(Opcodes.ASM9) {

			@Override
			public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
					String[] exceptions) {
				List<@Nullable String> blocks = new ArrayList<>();
				hooks.put(name + descriptor, blocks);
				return new HandlerReader(blocks);
			}

		}, 0);
		return hooks;
	}

	/**
	 * Reads which hook each handler hands to {@code Guard.failed}: the {@code Hook} constant loaded last before that
	 * call, in the handler's straight-line code.
	 */
	private static final class HandlerReader extends MethodVisitor {

		private final List<@Nullable String> blocks;

		private final List<Label> handlers = new ArrayList<>();

		private final List<Integer> reading = new ArrayList<>();

		private @Nullable String loaded;

		HandlerReader(List<@Nullable String> blocks) {
			super(Opcodes.ASM9);
			this.blocks = blocks;
		}

		@Override
		public void visitTryCatchBlock(Label start, Label end, Label handler, @Nullable String type) {
			boolean catchesFaults = type != null && (type.equals("java/lang/Throwable")
					|| type.equals("java/lang/Exception") || type.equals("java/lang/RuntimeException"));
			this.handlers.add(catchesFaults ? handler : null);
			this.blocks.add(null);
		}

		@Override
		public void visitLabel(Label label) {
			for (int i = 0; i < this.handlers.size(); i++) {
				if (this.handlers.get(i) == label) {
					this.reading.add(i);
					this.loaded = null;
				}
			}
		}

		@Override
		public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
			if (opcode == Opcodes.GETSTATIC && owner.equals(HOOK)) {
				this.loaded = name;
			}
		}

		@Override
		public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
			if (opcode == Opcodes.INVOKESTATIC && owner.equals(GUARD) && name.equals("failed") && this.loaded != null) {
				for (int i : this.reading) {
					this.blocks.set(i, this.loaded);
				}
				this.reading.clear();
			}
		}

		@Override
		public void visitJumpInsn(int opcode, Label label) {
			this.reading.clear();
		}

		@Override
		public void visitInsn(int opcode) {
			if (opcode == Opcodes.ATHROW || (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN)) {
				this.reading.clear();
			}
		}

	}

	/**
	 * Adds {@code HookFaults.failAt(hook)} as the first instruction of each guarded block: after its start
	 * label, line number and stack map frame, so that the frame stays where it belongs.
	 */
	private static final class FailingBlocks extends MethodVisitor {

		private final List<@Nullable String> blocks;

		private final Map<Label, Set<String>> starts = new HashMap<>();

		private int declared;

		private @Nullable Set<String> pending;

		FailingBlocks(MethodVisitor method, List<@Nullable String> blocks) {
			super(Opcodes.ASM9, method);
			this.blocks = blocks;
		}

		@Override
		public void visitTryCatchBlock(Label start, Label end, Label handler, @Nullable String type) {
			String hook = this.blocks.get(this.declared++);
			if (hook != null) {
				this.starts.computeIfAbsent(start, (label) -> new LinkedHashSet<>()).add(hook);
			}
			super.visitTryCatchBlock(start, end, handler, type);
		}

		@Override
		public void visitLabel(Label label) {
			flush();
			super.visitLabel(label);
			this.pending = this.starts.get(label);
		}

		private void flush() {
			Set<String> hooks = this.pending;
			this.pending = null;
			if (hooks != null) {
				for (String hook : hooks) {
					super.visitFieldInsn(Opcodes.GETSTATIC, HOOK, hook, "L" + HOOK + ";");
					super.visitMethodInsn(Opcodes.INVOKESTATIC, SELF, "failAt", "(L" + HOOK + ";)V", false);
				}
			}
		}

		@Override
		public void visitInsn(int opcode) {
			flush();
			super.visitInsn(opcode);
		}

		@Override
		public void visitIntInsn(int opcode, int operand) {
			flush();
			super.visitIntInsn(opcode, operand);
		}

		@Override
		public void visitVarInsn(int opcode, int varIndex) {
			flush();
			super.visitVarInsn(opcode, varIndex);
		}

		@Override
		public void visitTypeInsn(int opcode, String type) {
			flush();
			super.visitTypeInsn(opcode, type);
		}

		@Override
		public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
			flush();
			super.visitFieldInsn(opcode, owner, name, descriptor);
		}

		@Override
		public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
			flush();
			super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
		}

		@Override
		public void visitInvokeDynamicInsn(String name, String descriptor, net.bytebuddy.jar.asm.Handle bootstrap,
				Object... arguments) {
			flush();
			super.visitInvokeDynamicInsn(name, descriptor, bootstrap, arguments);
		}

		@Override
		public void visitJumpInsn(int opcode, Label label) {
			flush();
			super.visitJumpInsn(opcode, label);
		}

		@Override
		public void visitLdcInsn(Object value) {
			flush();
			super.visitLdcInsn(value);
		}

		@Override
		public void visitIincInsn(int varIndex, int increment) {
			flush();
			super.visitIincInsn(varIndex, increment);
		}

		@Override
		public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
			flush();
			super.visitTableSwitchInsn(min, max, dflt, labels);
		}

		@Override
		public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
			flush();
			super.visitLookupSwitchInsn(dflt, keys, labels);
		}

		@Override
		public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
			flush();
			super.visitMultiANewArrayInsn(descriptor, numDimensions);
		}

	}

}
