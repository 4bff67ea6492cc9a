// A loopback keep-alive server answering every request with a small status body, run in its own process.
import { createServer } from 'node:http';

const body = JSON.stringify({ status: 'ok', results: { status: 'PENDING', result: '' } });
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () =>
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body),
  );
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send?.(server.address().port));
process.on('disconnect', () => process.exit(0));
