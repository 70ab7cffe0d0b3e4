package io.conntrace.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

class InvalidConntracePropertyFailureAnalyzerTests {

	private final InvalidConntracePropertyFailureAnalyzer analyzer = new InvalidConntracePropertyFailureAnalyzer();

	@Test
	void namesPropertyValueAndAllowedRange() {
		FailureAnalysis analysis = this.analyzer.analyze(new BeanCreationException("conntracePool",
				new InvalidConntracePropertyException("conntrace.pool.max-connections", 0, "1 or more")));
		assertThat(analysis.getDescription()).contains("'conntrace.pool.max-connections'", "'0'", "1 or more");
		assertThat(analysis.getAction()).contains("conntrace.pool.max-connections", "1 or more");
	}

	@Test
	void ignoresUnrelatedFailures() {
		assertThat(this.analyzer.analyze(new IllegalStateException("unrelated"))).isNull();
	}

}
