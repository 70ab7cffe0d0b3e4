package io.conntrace.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import io.conntrace.metrics.ConnectionMeterNames;
import io.conntrace.trace.ConnectionSpanAttributes;
import io.conntrace.trace.ConnectionSpanEvents;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's tables are the public contract: every span attribute, span event, meter and property
 * in the code must be there, and every property must carry a description for IDE completion.
 */
class DocumentationTests {

	private static final Path README = Path.of("..", "README.md");

	@Test
	void everySpanAttributeAndEventIsInTheReadme() throws IOException {
		String readme = Files.readString(README);
		assertThat(Arrays.stream(ConnectionSpanAttributes.values()).map(ConnectionSpanAttributes::asString))
			.allSatisfy((name) -> assertThat(readme).contains("`" + name + "`"));
		// One row per attribute, with its type where a tracer keeps types.
		for (ConnectionSpanAttributes attribute : ConnectionSpanAttributes.values()) {
			String type = switch (attribute.type()) {
				case TEXT -> "text";
				case BOOLEAN -> "boolean";
				case INTEGER -> "integer";
				case MILLIS -> "double (ms)";
			};
			assertThat(readme).contains("| `" + attribute.asString() + "` | " + type + " |");
		}
		assertThat(Arrays.stream(ConnectionSpanEvents.values()).map(ConnectionSpanEvents::asString))
			.allSatisfy((name) -> assertThat(readme).contains("`" + name + "`"));
	}

	@Test
	void everyMeterIsInTheReadme() throws IOException {
		String readme = Files.readString(README);
		for (ConnectionMeterNames meter : ConnectionMeterNames.values()) {
			String name = meter.getName().replace(".%s", "");
			assertThat(readme).contains("`" + name);
			Arrays.stream(meter.getKeyNames()).forEach((key) -> assertThat(readme).contains("`" + key.asString() + "`"));
		}
	}

	@Test
	void everyPropertyHasMetadataWithADescriptionAndIsInTheReadme() throws IOException {
		String readme = Files.readString(README);
		List<Map<String, Object>> properties;
		try (InputStream metadata = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			properties = JsonPath.read(metadata, "$.properties[*]");
		}
		assertThat(properties).extracting((property) -> property.get("name"))
			.contains("conntrace.enabled", "conntrace.trace.enabled", "conntrace.metrics.enabled",
					"conntrace.pool.max-connections", "conntrace.pool.max-idle-time", "conntrace.pool.hosts",
					"conntrace.keep-alive.idle");
		assertThat(properties).allSatisfy((property) -> {
			String name = (String) property.get("name");
			assertThat((String) property.get("description")).as(name).isNotBlank();
			String documented = name.equals("conntrace.pool.hosts") ? "conntrace.pool.hosts.[host:port]" : name;
			assertThat(readme).as(name).contains("`" + documented);
		});
	}

}
