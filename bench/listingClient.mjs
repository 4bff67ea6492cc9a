// A second process for bench 12: GETs one URL again and again with `concurrency` calls in flight for
// `durationMs`, and prints each call's latency (ms) as JSON. Kept apart so the server's process measures
// nothing of its own clients.
const [url, key, concurrency, durationMs] = process.argv.slice(2);
const latencies = [];
const until = performance.now() + Number(durationMs);
async function loop() {
  while (performance.now() < until) {
    const start = performance.now();
    const response = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
    latencies.push(performance.now() - start);
  }
}
await Promise.all(Array.from({ length: Number(concurrency) }, loop));
process.stdout.write(JSON.stringify(latencies));
