"""The portal's Solr schema: the installed CKAN's schema.xml with the
field types and fields of schema_additions.xml spliced in.

    python stack/solr/build_schema.py CKAN_SCHEMA_XML OUTPUT

Text splicing, not an XML rewrite, so CKAN's file stays byte for byte what
it was around the additions (and a diff against it shows only ours). Fails
when CKAN's schema no longer has exactly one </types> and one </fields>.
Standard library only: stack.sh runs it with CKAN's python.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

ADDITIONS = Path(__file__).resolve().parent / "schema_additions.xml"
MARK = "<!-- gbgopendata: schema_additions.xml -->"


def section(text: str, tag: str) -> str:
    body = text[text.index("<additions>"):]  # past the header comment
    found = re.findall(rf"<{tag}>(.*?)</{tag}>", body, flags=re.S)
    if len(found) != 1:
        raise SystemExit(f"{ADDITIONS}: expected one <{tag}> section")
    return found[0]


def build(ckan_schema: str, additions: str) -> str:
    for tag in ("types", "fields"):
        if ckan_schema.count(f"</{tag}>") != 1:
            raise SystemExit(f"CKAN's schema has not exactly one </{tag}>: the splice needs updating")
        ckan_schema = ckan_schema.replace(
            f"</{tag}>", f"{MARK}{section(additions, tag)}</{tag}>"
        )
    return ckan_schema


def main(ckan_schema_path: str, output_path: str) -> None:
    text = build(Path(ckan_schema_path).read_text("utf-8"), ADDITIONS.read_text("utf-8"))
    Path(output_path).write_text(text, "utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:3])
