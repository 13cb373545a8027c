#!/usr/bin/env python3
"""A link-flood site on 127.0.0.1 for bench/traps/run.sh: every page carries LINKS unique
links to further such pages (no robots.txt: 404). Prints its port, then serves until killed.
Usage: flood_server.py [LINKS]"""
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LINKS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000


class Flood(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        if self.path == "/robots.txt":
            body = b""
            status = 404
        else:
            me = self.path.strip("/").replace("/", "-") or "root"
            links = "".join(f'<a href="/p/{me}-{i}">{i}</a>' for i in range(LINKS))
            body = f"<!doctype html><html><body><p>flood</p>{links}</body></html>".encode()
            status = 200
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


srv = ThreadingHTTPServer(("127.0.0.1", 0), Flood)
print(srv.server_address[1], flush=True)
srv.serve_forever()
