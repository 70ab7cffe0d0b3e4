package io.conntrace.benchmarks;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pins what the README says of Brave: it grows a span's tag array by one pair per new tag and copies it,
 * so an array of k pairs (16 + 8k bytes with compressed references) is made for every k. If Brave changes
 * that, the Boot mode's floor at sampling 0.1 changes with it.
 */
class BraveTagStorageTests {

	@Test
	void eachNewTagCopiesTheWholeArray() {
		long observation = BraveTagStorage.bytesPerSpan(7);
		long withConntraces = BraveTagStorage.bytesPerSpan(7 + 11);
		long arrays = 0;
		for (int pairs = 8; pairs <= 18; pairs++) {
			arrays += 16 + 8L * pairs;
		}
		assertThat(withConntraces - observation).isEqualTo(arrays);
	}

}
