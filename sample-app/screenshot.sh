#!/usr/bin/env bash
# Writes a picture of the Zipkin UI showing one scenario's trace from the demo, with one of its client
# spans selected so that its conntrace.* tags are on screen. Starts ./demo, takes the picture with
# headless Chromium, stops the demo.
#   sample-app/screenshot.sh                      slow-tls, its new connection's span: docs/zipkin-trace.png
#   sample-app/screenshot.sh http2 3 docs/zipkin-http2.png   the http2 scenario, its 3rd client span
set -euo pipefail
cd "$(dirname "$0")/.."

zipkin=http://127.0.0.1:9411
scenario=${1:-slow-tls}
span_index=${2:-1}
output=${3:-docs/zipkin-trace.png}

if [[ ! -x /usr/bin/chromium ]]; then
	apt-get update && apt-get install -y chromium
fi
if ! command -v curl >/dev/null; then
	apt-get install -y curl
fi

work=$(mktemp -d)
demo_pid=
cleanup() {
	if [[ -n $demo_pid ]]; then
		kill "$demo_pid" 2>/dev/null || true
		wait "$demo_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

echo "Starting the demo (output: $work/demo.log)..."
./demo >"$work/demo.log" 2>&1 &
demo_pid=$!
for ((i = 0; i < 600; i++)); do
	grep -q "Zipkin URL" "$work/demo.log" && break
	kill -0 "$demo_pid" 2>/dev/null || { cat "$work/demo.log" >&2; exit 1; }
	sleep 1
done
grep -q "Zipkin URL" "$work/demo.log" || { echo "The demo did not come up in 10 minutes" >&2; exit 1; }

trace_id=$(grep -o '"scenario":"'"$scenario"'","traceId":"[0-9a-f]*"' "$work/demo.log" | grep -o '[0-9a-f]\{32\}')
echo "Waiting for trace $trace_id in Zipkin..."
for ((i = 0; i < 60; i++)); do
	clients=$(curl -sf "$zipkin/api/v2/trace/$trace_id" | grep -o '"kind":"CLIENT"' | wc -l || true)
	((clients >= 2 && clients >= span_index)) && break
	sleep 0.5
done

# Zipkin's trace page shows the tags of the selected span, and it selects the root span, the scenario
# endpoint's server span. No URL selects another, so a content script clicks the chosen client span
# (1 is the first, the one that opened the connection) and scrolls the span's details down to its tags.
mkdir -p "$work/select-span"
cat >"$work/select-span/manifest.json" <<'EOF'
{ "manifest_version": 3, "name": "select the first client span", "version": "1",
  "content_scripts": [ { "matches": ["http://127.0.0.1/*"], "js": ["select.js"], "run_at": "document_idle" } ] }
EOF
cat >"$work/select-span/select.js" <<EOF
const timer = setInterval(() => {
  const row = [...document.querySelectorAll('div')]
    .filter((div) => div.children.length === 0 && div.textContent === 'conntrace-sample: http get')[$span_index - 1];
  if (!row) {
    return;
  }
  clearInterval(timer);
  row.click();
  setTimeout(() => {
    const tags = [...document.querySelectorAll('p')].find((p) => p.textContent === 'Tags');
    tags?.parentElement.parentElement.scrollIntoView({ block: 'end' });
  }, 500);
}, 100);
EOF

mkdir -p docs
echo "Taking the screenshot..."
/usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	--disable-background-networking --disable-component-update --disable-sync \
	--user-data-dir="$work/profile" --window-size=1400,1000 --hide-scrollbars \
	--disable-extensions-except="$work/select-span" --load-extension="$work/select-span" \
	--virtual-time-budget=15000 --screenshot="$PWD/$output" \
	"$zipkin/zipkin/traces/$trace_id" 2>"$work/chromium.log"
test -s "$output"
echo "Wrote $output (trace $trace_id)"
