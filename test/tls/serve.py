#!/usr/bin/env python3
"""A one-purpose HTTPS server on loopback for the unit tests of ca_file.

    serve.py CERT KEY

Serves every GET with 200 {"ok": true} over TLS with the given certificate,
prints the port it listens on (a free one) as its first line, and exits when
its standard input closes (so it never outlives the test that started it).
The certificate committed next to it (server.crt / server.key, self-signed,
CN and SAN 127.0.0.1 and localhost, valid for 100 years) was made once with

    openssl req -x509 -newkey rsa:2048 -nodes -keyout server.key -out server.crt \\
        -days 36500 -subj "/CN=127.0.0.1" \\
        -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \\
        -addext "basicConstraints=critical,CA:TRUE"
"""
import http.server
import ssl
import sys
import threading


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        body = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main():
    cert, key = sys.argv[1], sys.argv[2]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.handle_error = lambda request, address: None  # refused handshakes are the point
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    sys.stdin.read()  # until the parent closes the pipe


if __name__ == "__main__":
    main()
