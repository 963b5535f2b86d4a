"""A generator of nasty raw folders: what crawls and bulk downloads leave behind. Files are
made by code, not committed, so each case says what it is."""

from __future__ import annotations

import gzip
import io
import os
import zipfile
from pathlib import Path

DRUG_PAGE = ("Baclofen: uses, dosage and side effects\n\nWhat is baclofen used for?\n\n"
             "Baclofen is used to treat spasticity from multiple sclerosis.\n\nSide effects\n\n"
             "Common side effects of baclofen include drowsiness, dizziness and nausea.\n")
SPANISH = ("Baclofeno: usos y efectos secundarios\n\nEl baclofeno es un relajante muscular que se usa para "
           "tratar la espasticidad causada por la esclerosis múltiple. Los efectos secundarios más comunes "
           "son somnolencia, mareos, debilidad y náuseas. No deje de tomar baclofeno de repente, porque "
           "puede causar alucinaciones y convulsiones. Consulte a su médico antes de tomar alcohol.\n")
LAPTOP = "The X1 laptop review\n\nThe keyboard is great and the screen is bright. Battery life is ten hours.\n"
COMPARISON = ("Baclofen vs tizanidine\n\n" + "Baclofen and tizanidine both treat spasticity. " * 6
              + "\n\nTizanidine causes dry mouth; baclofen causes drowsiness.\n")
BOMB = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
        + "".join(f' <!ENTITY lol{i} "{"&lol{};".format(i - 1 if i > 1 else "") * 10}">\n' for i in range(1, 10))
        + ']>\n<lolz>&lol9;</lolz>\n')
XXE = '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<document>&x; baclofen</document>\n'


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("page.txt", DRUG_PAGE)
    return buffer.getvalue()


# name -> (content, expected status, expected reason or note, or None)
CASES: dict[str, tuple[bytes, str, str | None]] = {
    "good/baclofen.txt": (DRUG_PAGE.encode(), "ok", None),
    "good/copy-of-baclofen.txt": (DRUG_PAGE.encode(), "duplicate", "duplicate of "),
    "encoding/latin1.txt": (DRUG_PAGE.replace("used", "usé").encode("cp1252"), "ok", "not valid UTF-8; decoded as cp1252"),
    "encoding/mojibake.txt": (DRUG_PAGE.replace("Baclofen:", "Baclofen’s").encode().decode("cp1252").encode(),
                              "ok", "mojibake repaired"),
    "encoding/utf16.txt": (DRUG_PAGE.encode("utf-16"), "ok", None),
    "encoding/utf16-no-bom.txt": (DRUG_PAGE.encode("utf-16-le"), "ok", "decoded as utf-16-le (no byte order mark)"),
    "encoding/truncated-utf8.txt": (DRUG_PAGE.encode() + "é".encode()[:1], "ok", "not valid UTF-8"),
    "binary/report.html": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 binary", "quarantined", "binary content (PDF)"),
    "binary/photo.txt": (b"\x89PNG\r\n\x1a\n" + os.urandom(64), "quarantined", "binary content (PNG image)"),
    "binary/archive.md": (_zip(), "quarantined", "binary content (ZIP archive)"),
    "binary/page.html.gz": (gzip.compress(DRUG_PAGE.encode()), "quarantined", "binary content (gzip archive)"),
    "binary/random.bin": (b"\x00\x01\x02" + os.urandom(256), "quarantined", "binary content (NUL bytes)"),
    "empty/empty.txt": (b"", "quarantined", "empty file"),
    "empty/blank.md": (b" \n\t\n ", "quarantined", "empty file"),
    "empty/tags-only.html": (b"<html><body><div></div></body></html>", "quarantined", "no text content"),
    "xml/bomb.xml": (BOMB.encode(), "quarantined", "XML entity declarations are not allowed"),
    "xml/xxe.xml": (XXE.encode(), "quarantined", "XML entity declarations are not allowed"),
    "xml/external-dtd.xml": (b'<?xml version="1.0"?><!DOCTYPE note SYSTEM "http://127.0.0.1:9/x.dtd"><note>baclofen</note>',
                             "quarantined", "XML document type with an external DTD is not allowed"),
    "xml/feed.xml": (b'<?xml version="1.0"?><rss><channel><title>Baclofen news, baclofen</title></channel></rss>',
                     "quarantined", "XML of an unknown kind (root element <rss>)"),
    "json/other-api.json": (b'{"error": {"code": "NOT_FOUND", "message": "No matches found for baclofen"}}',
                            "quarantined", "JSON that is not a drug label"),
    "json/list.json": (b'[{"drug": "baclofen"}, {"drug": "baclofen"}]', "quarantined", "JSON that is not a drug label"),
    "html/truncated.html": ((b"<html><head><title>Baclofen</title></head><body><h1>Baclofen</h1><p>Baclofen treats "
                             b"spasticity. Side effects of baclofen include drowsiness and <b>nau"), "ok", None),
    "html/deep.html": (("<html><body>" + "<div>" * 100_000 + "Baclofen treats spasticity. Baclofen side effects "
                        "include drowsiness." + "</div>" * 100_000 + "</body></html>").encode(),
                       "quarantined", "markup nested too deeply to read"),
    "html/scripts.html": ((b"<html><head><script>document.write('baclofen overdose')</script></head><body>"
                           b"<h1>Baclofen</h1><p onclick=\"steal()\">Baclofen treats spasticity.</p>"
                           b"<p>Side effects of baclofen include drowsiness.<script>alert('x')</script></p>"
                           b"<a href=\"javascript:alert(1)\">more</a></body></html>"), "ok", None),
    "text/markup-in-text.txt": (DRUG_PAGE.replace("drowsiness", "<b>drowsiness</b> <script>alert(1)</script>").encode(),
                                "ok", None),
    "content/laptop.txt": (LAPTOP.encode(), "quarantined", "no drug identified"),
    "content/spanish.txt": (SPANISH.encode(), "quarantined", "not in English (looks like es)"),
    "content/comparison.txt": (COMPARISON.encode(), "quarantined", "names several drugs about equally"),
    "names/with space & (parens).txt": (DRUG_PAGE.replace("nausea", "headache").encode(), "ok", None),
    "names/ünïcödé-名前.txt": (DRUG_PAGE.replace("nausea", "insomnia").encode(), "ok", None),
    "names/-leading-dash.txt": (DRUG_PAGE.replace("nausea", "fatigue").encode(), "ok", None),
    "names/" + "long" * 60 + ".txt": (DRUG_PAGE.replace("nausea", "tremor").encode(), "ok", None),
    ".DS_Store": (b"\x00\x00\x00\x01Bud1", "quarantined", "hidden file"),
    "good/baclofen.txt.meta.json": (b'{"url": "javascript:alert(1)", "publisher": "<b>Evil</b> Inc"}', "metadata", None),
}


def make_nasty_raw(root: Path, outside: Path) -> dict[str, tuple[str | None, str | None]]:
    """Write every case under `root` (plus symlinks that leave it); returns path -> (status,
    reason) as `sources` should show them."""
    expected: dict[str, tuple[str | None, str | None]] = {}
    for name, (content, status, reason) in CASES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        expected[name] = (status, reason)
    big = root / "big" / "huge.txt"
    big.parent.mkdir(parents=True, exist_ok=True)
    with big.open("wb") as handle:
        handle.truncate(51 * 1024 * 1024)  # sparse: 51 MB of zeros without writing them
    expected["big/huge.txt"] = ("quarantined", "larger than 50 MB limit")
    outside.mkdir(parents=True, exist_ok=True)
    (outside / "secret.txt").write_text(DRUG_PAGE)
    (root / "links").mkdir()
    (root / "links" / "passwd.txt").symlink_to("/etc/passwd")
    (root / "links" / "secret.txt").symlink_to(outside / "secret.txt")
    (root / "links" / "folder").symlink_to(outside, target_is_directory=True)
    (root / "links" / "up.txt.meta.json").symlink_to(outside / "secret.txt")
    for name in ("links/passwd.txt", "links/secret.txt", "links/folder", "links/up.txt.meta.json"):
        expected[name] = ("quarantined", "symbolic link not followed")
    bad_name = (root / "names").joinpath(os.fsdecode(b"latin1-\xe9.txt"))
    bad_name.write_bytes(DRUG_PAGE.encode())
    expected["names/latin1-\\xe9.txt"] = ("quarantined", "file name is not valid UTF-8")
    return expected
