"""HTML, URLs, TLS and HTTP with the current APIs."""

import html
import http.client
import http.server
import ssl
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler


def render_comment(text: str) -> str:
    return "<p>%s</p>" % html.escape(text, quote=False)


def render_attr(value: str) -> str:
    return '<a title="%s">' % html.escape(value)


def query_params(url: str) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)


def client_context(cafile: str | None = None) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=cafile)
    ctx.check_hostname = True
    return ctx


def wrap(sock, host: str):  # type: ignore[no-untyped-def]
    return client_context().wrap_socket(sock, server_hostname=host)


def connect(host: str, cert: str, key: str) -> http.client.HTTPSConnection:
    ctx = client_context()
    ctx.load_cert_chain(certfile=cert, keyfile=key)
    return http.client.HTTPSConnection(host, context=ctx)


def download(url: str) -> bytes:
    with urllib.request.urlopen(url) as resp:
        return resp.read()


class TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(html.unescape(data))


class Handler(SimpleHTTPRequestHandler):
    server_version = "modern/1.0"


def serve(port: int) -> None:
    http.server.ThreadingHTTPServer(("", port), Handler).serve_forever()
