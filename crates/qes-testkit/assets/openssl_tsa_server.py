#!/usr/bin/env python3
"""An RFC 3161 TSA over HTTP (RFC 3161 §3.4) backed by `openssl ts -reply`.

Usage: openssl_tsa_server.py OPENSSL CONFIG PORT WORKDIR

POST any path with Content-Type application/timestamp-query: the body goes to
`openssl ts -reply -config CONFIG -queryfile ...` and the reply comes back as
application/timestamp-reply. GET /health answers 200 "ok" (the readiness probe).
Listens on 127.0.0.1 only and serves one request at a time (openssl's serial file
is not safe for concurrent writers). Started and stopped by qes_testkit::servers.
"""

import http.server
import os
import subprocess
import sys
import tempfile

MAX_QUERY = 64 * 1024


def main():
    openssl, config, port, workdir = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def reply(self, status, content_type, body):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if self.path == "/health":
                self.reply(200, "text/plain", b"ok")
            else:
                self.reply(404, "text/plain", b"not found")

        def do_POST(self):
            media = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if media != "application/timestamp-query":
                self.reply(415, "text/plain", b"expected application/timestamp-query")
                return
            try:
                length = int(self.headers.get("Content-Length", "-1"))
            except ValueError:
                length = -1
            if length < 0 or length > MAX_QUERY:
                self.reply(400, "text/plain", b"missing or oversized Content-Length")
                return
            query = self.rfile.read(length)
            with tempfile.TemporaryDirectory(dir=workdir) as tmp:
                qpath = os.path.join(tmp, "q.tsq")
                rpath = os.path.join(tmp, "r.tsr")
                with open(qpath, "wb") as f:
                    f.write(query)
                done = subprocess.run(
                    [openssl, "ts", "-reply", "-config", config,
                     "-queryfile", qpath, "-out", rpath],
                    capture_output=True, timeout=30,
                )
                if done.returncode != 0 or not os.path.exists(rpath):
                    sys.stderr.write(done.stderr.decode("utf-8", "replace"))
                    self.reply(500, "text/plain", done.stderr[-300:] or b"openssl failed")
                    return
                with open(rpath, "rb") as f:
                    self.reply(200, "application/timestamp-reply", f.read())

        def log_message(self, fmt, *args):
            sys.stderr.write("openssl-tsa: " + (fmt % args) + "\n")
            sys.stderr.flush()

    server = http.server.HTTPServer(("127.0.0.1", port), Handler)
    sys.stderr.write(f"openssl-tsa: listening on 127.0.0.1:{port}\n")
    sys.stderr.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
