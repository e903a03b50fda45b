#!/usr/bin/env python3
"""Check an HTML report's structure without a browser (used by
html-render.sh).

usage: html-check.py FILE [--page scan|review|diff] [--bundles N]
                     [--contains TEXT]... [--absent TEXT]...
                     [--svg ID]... [--no-svg ID]...

Fails (exit 1, one line per problem) unless the file is well formed — every
element closed in order, void elements aside, ids unique, every url(#id)
and href="#id" naming an element of the page — holds each bundle's sections
(b<k>-summary, -proxy, -chain, -findings, -suppressed, -timeline, -inputs)
with an SVG diagram in each chain — or, with --page review or diff, the
sections of that page (PAGES) and the two states' (b1, b2) effective
proxy and chain with its diagram — and can load nothing: no script,
iframe, object, embed, link, img, base or form element, no src or srcset
attribute, no url() but url(#id), no event handler attribute, a
Content-Security-Policy with default-src 'none', and only http(s) links
on <a> elements. --contains and --absent test the page's text; --svg and
--no-svg whether the element ID holds an SVG drawing.
"""
import re
import sys
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "source", "track", "wbr"}
FORBIDDEN = {"script", "iframe", "object", "embed", "link", "img", "base",
             "form", "frame", "frameset", "audio", "video", "source",
             "image", "use", "foreignobject"}
SECTIONS = ["summary", "proxy", "chain", "findings", "suppressed",
            "timeline", "inputs"]
# The sections of a review and of a diff page; b1 and b2 are the states
# compared (before and after, old and new).
PAGES = {
    "review": ["review-summary", "review-change", "review-effective",
               "b1-proxy", "b1-chain", "b2-proxy", "b2-chain",
               "review-introduced", "review-resolved", "review-unchanged"],
    "diff": ["diff-summary", "diff-sources", "diff-effective",
             "b1-proxy", "b1-chain", "b2-proxy", "b2-chain",
             "diff-added", "diff-removed", "diff-unchanged"],
}


class Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.ids = {}
        self.refs = []
        self.problems = []
        self.text = []
        self.csp = False
        self.svg_in = {}  # section id -> number of <svg> inside

    def where(self):
        line, col = self.getpos()
        return f"line {line}:{col + 1}"

    def handle_starttag(self, tag, attrs):
        self.check_tag(tag, attrs)
        if tag not in VOID:
            self.stack.append((tag, dict(attrs).get("id")))

    def handle_startendtag(self, tag, attrs):
        self.check_tag(tag, attrs)

    def check_tag(self, tag, attrs):
        a = dict(attrs)
        if tag in FORBIDDEN:
            self.problems.append(f"{self.where()}: <{tag}> can load or run")
        for k, v in attrs:
            v = v or ""
            if k.startswith("on"):
                self.problems.append(f"{self.where()}: event handler {k}")
            if k in ("src", "srcset", "xlink:href", "background", "poster"):
                self.problems.append(f"{self.where()}: {k}={v!r}")
            for ref in re.findall(r"url\(([^)]*)\)", v):
                if not ref.startswith("#"):
                    self.problems.append(f"{self.where()}: url({ref})")
                else:
                    self.refs.append((self.where(), ref[1:]))
        if "href" in a:
            href = a["href"] or ""
            if href.startswith("#"):
                self.refs.append((self.where(), href[1:]))
            elif tag != "a" or not re.match(r"https?://", href):
                self.problems.append(f"{self.where()}: <{tag} href={href!r}>")
        if "id" in a:
            if a["id"] in self.ids:
                self.problems.append(f"{self.where()}: duplicate id {a['id']}")
            self.ids[a["id"]] = self.where()
        if tag == "meta" and (a.get("http-equiv") or "").lower() == \
                "content-security-policy":
            self.csp = "default-src 'none'" in (a.get("content") or "")
        if tag == "svg":
            for _, sid in self.stack:
                if sid:
                    self.svg_in[sid] = self.svg_in.get(sid, 0) + 1

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            top = self.stack[-1][0] if self.stack else "nothing"
            self.problems.append(f"{self.where()}: </{tag}> closes <{top}>")
            return
        self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1][0] == "style":
            for ref in re.findall(r"url\(([^)]*)\)", data):
                self.problems.append(f"style: url({ref})")
            if "@import" in data:
                self.problems.append("style: @import")
        self.text.append(data)


def main(argv):
    path = argv[1]
    bundles, contains, absent, svg, no_svg = 1, [], [], [], []
    page = "scan"
    i = 2
    while i < len(argv):
        if argv[i] == "--page":
            page = argv[i + 1]
            if page not in PAGES and page != "scan":
                sys.exit(f"unknown page {page}")
        elif argv[i] == "--bundles":
            bundles = int(argv[i + 1])
        elif argv[i] == "--contains":
            contains.append(argv[i + 1])
        elif argv[i] == "--absent":
            absent.append(argv[i + 1])
        elif argv[i] == "--svg":
            svg.append(argv[i + 1])
        elif argv[i] == "--no-svg":
            no_svg.append(argv[i + 1])
        else:
            sys.exit(f"unknown argument {argv[i]}")
        i += 2
    with open(path, "rb") as f:
        raw = f.read()
    c = Checker()
    try:
        doc = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        print(f"{path}: not UTF-8: {e}")
        return 1
    if not doc.startswith("<!DOCTYPE html>"):
        c.problems.append("no <!DOCTYPE html> first")
    c.feed(doc)
    c.close()
    if c.stack:
        c.problems.append(f"unclosed at the end: {[t for t, _ in c.stack]}")
    if not c.csp:
        c.problems.append("no Content-Security-Policy with default-src 'none'")
    for where, ref in c.refs:
        if ref not in c.ids:
            c.problems.append(f"{where}: #{ref} names no element")
    if page != "scan":
        bundles = 0
        for sid in PAGES[page]:
            if sid not in c.ids:
                c.problems.append(f"no section {sid}")
        for k in (1, 2):
            if not c.svg_in.get(f"b{k}-chain"):
                c.problems.append(f"b{k}-chain has no SVG diagram")
    for k in range(1, bundles + 1):
        for s in SECTIONS:
            if f"b{k}-{s}" not in c.ids:
                c.problems.append(f"no section b{k}-{s}")
        if not c.svg_in.get(f"b{k}-chain"):
            c.problems.append(f"b{k}-chain has no SVG diagram")
    if f"b{bundles + 1}-summary" in c.ids:
        c.problems.append(f"more than {bundles} bundles")
    text = " ".join(" ".join(c.text).split())
    for t in contains:
        if t not in text:
            c.problems.append(f"text {t!r} missing")
    for t in absent:
        if t in text or t in doc:
            c.problems.append(f"text {t!r} present")
    for sid in svg:
        if not c.svg_in.get(sid):
            c.problems.append(f"{sid} has no SVG drawing")
    for sid in no_svg:
        if c.svg_in.get(sid):
            c.problems.append(f"{sid} has an SVG drawing")
    for p in c.problems:
        print(f"{path}: {p}")
    return 1 if c.problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
