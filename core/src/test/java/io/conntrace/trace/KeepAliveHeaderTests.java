package io.conntrace.trace;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class KeepAliveHeaderTests {

	@ParameterizedTest(name = "[{0}] -> {1}")
	@CsvSource(delimiter = '|', textBlock = """
			timeout=5, max=100   | 5000
			max=100, timeout=60  | 60000
			timeout = 5          | 5000
			Timeout="5"          | 5000
			timeout=0            | 0
			timeout=-1           | 0
			timeout=abc          | 0
			max=100              | 0
			timeout=999999       | 0
			timeout=99999999999999999999 | 0
			timeout=86399        | 86399000
			timeout=5,max=3      | 5000
			max=3,timeout=7      | 7000
			' timeout = " 9 " '  | 9000
			timeout=+5           | 5000
			timeout=5s           | 0
			timeout=             | 0
			timeouts=5           | 0
			'x=1, y, timeout=2'  | 2000
			''                   | 0
			""")
	void readsTheTimeoutAsServersWriteIt(String header, long millis) {
		assertThat(KeepAliveHeader.timeoutMillis(header)).isEqualTo(millis);
	}

	@ParameterizedTest(name = "server {0} ms -> reuse up to {1} ms idle")
	@CsvSource({ "1000, 750", "2000, 1500", "5000, 4000", "60000, 59000", "75000, 74000" })
	void leavesAMarginOfAQuarterAtMostOneSecond(long timeout, long usable) {
		assertThat(ConnectionEviction.usableIdleMillis(timeout)).isEqualTo(usable);
	}

}
