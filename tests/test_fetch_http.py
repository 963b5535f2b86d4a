"""The safe downloader against a real HTTP server on 127.0.0.1: validators, retries, limits,
redirects, resumption, robots.txt and the per-host rate limit."""

import hashlib

import pytest
from fetch_site import LoopbackSite, Route

from drugdata.fetch.http import Fetcher, HostLimiter, Settings, Validators
from drugdata.fetch.safety import FetchError, Refused, RobotsDisallowed, check_url

LOOPBACK = ("127.0.0.1/32",)
PAGE = b"<html><body><h1>Baclofen</h1><p>Baclofen 5 mg three times a day.</p></body></html>"
MB = 1024 * 1024


@pytest.fixture
def site():
    with LoopbackSite() as running:
        yield running


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def fetcher(waits):
    """A Fetcher allowed to reach the loopback server; backoff waits recorded, not slept."""
    made = []

    def make(**overrides) -> Fetcher:
        options = {"user_agent": "drugdata-test/1.0", "max_bytes": MB, "timeout_seconds": 2, "retries": 2,
                   "backoff_seconds": 0.5, "rate_limit_seconds": 0, "allow_private": LOOPBACK}
        made.append(Fetcher(Settings(**{**options, **overrides}), sleep=waits.append))
        return made[-1]

    yield make
    for each in made:
        each.__exit__()


def test_download_streams_to_a_part_file_with_sha256_and_validators(site, fetcher, tmp_path):
    site.routes["/p"] = Route(PAGE, etag='"v1"', last_modified="Tue, 28 Apr 2026 10:00:00 GMT")
    got = fetcher().download(site.url("/p"), tmp_path / "p.part")
    assert (tmp_path / "p.part").read_bytes() == PAGE
    assert got.sha256 == hashlib.sha256(PAGE).hexdigest() and got.n_bytes == len(PAGE)
    assert (got.http_status, got.etag, got.not_modified) == (200, '"v1"', False)
    assert got.last_modified == "Tue, 28 Apr 2026 10:00:00 GMT"
    seen = site.hits("/p")[0].headers
    assert seen["user-agent"] == "drugdata-test/1.0" and "if-none-match" not in seen


def test_known_validators_make_a_conditional_request_answered_304(site, fetcher, tmp_path):
    site.routes["/p"] = Route(PAGE, etag='"v1"', last_modified="Tue, 28 Apr 2026 10:00:00 GMT")
    known = Validators('"v1"', "Tue, 28 Apr 2026 10:00:00 GMT")
    got = fetcher().download(site.url("/p"), tmp_path / "p.part", known)
    assert got.not_modified and got.http_status == 304 and not (tmp_path / "p.part").exists()
    seen = site.hits("/p")[0]
    assert seen.headers["if-none-match"] == '"v1"' and seen.status == 304
    assert seen.headers["if-modified-since"] == "Tue, 28 Apr 2026 10:00:00 GMT"


def test_5xx_is_retried_with_exponential_backoff(site, fetcher, waits, tmp_path):
    site.routes["/p"] = Route(PAGE, fail_first=2)
    assert fetcher().download(site.url("/p"), tmp_path / "p.part").n_bytes == len(PAGE)
    assert [seen.status for seen in site.hits("/p")] == [500, 500, 200]
    assert waits == [0.5, 1.0]


def test_a_5xx_that_persists_is_reported_after_the_retries(site, fetcher, tmp_path):
    site.routes["/p"] = Route(PAGE, fail_first=99)
    with pytest.raises(FetchError) as error:
        fetcher().download(site.url("/p"), tmp_path / "p.part")
    assert error.value.reason == "HTTP 500 Internal Server Error (after 3 attempts)"
    assert error.value.status == "failed" and len(site.hits("/p")) == 3


def test_a_4xx_is_final_at_once(site, fetcher, waits, tmp_path):
    with pytest.raises(FetchError, match="HTTP 404 Not Found$"):
        fetcher().download(site.url("/missing"), tmp_path / "p.part")
    assert len(site.hits("/missing")) == 1 and waits == []


def test_429_waits_as_long_as_retry_after_asks(site, fetcher, waits, tmp_path):
    site.routes["/p"] = Route(PAGE, fail_first=1, fail_status=429, fail_headers={"Retry-After": "3"})
    fetcher().download(site.url("/p"), tmp_path / "p.part")
    assert waits == [3.0]


def test_a_timeout_is_retried_then_reported(site, fetcher, tmp_path):
    site.routes["/slow"] = Route(PAGE, delay=1.0)
    with pytest.raises(FetchError, match=r"^timed out \(after 2 attempts\)$"):
        fetcher(timeout_seconds=0.2, retries=1).download(site.url("/slow"), tmp_path / "p.part")
    assert len(site.hits("/slow")) == 2


def test_a_declared_length_over_the_limit_is_refused_before_the_body(site, fetcher, tmp_path):
    site.routes["/big"] = Route(b"x" * (MB + 1))
    with pytest.raises(FetchError, match="^larger than 1 MB limit$"):
        fetcher().download(site.url("/big"), tmp_path / "big.part")
    assert not (tmp_path / "big.part").exists() and len(site.hits("/big")) == 1


def test_an_undeclared_body_over_the_limit_is_cut_off(site, fetcher, tmp_path):
    site.routes["/big"] = Route(b"x" * (2 * MB), send_length=False)
    with pytest.raises(FetchError, match="^larger than 1 MB limit$"):
        fetcher().download(site.url("/big"), tmp_path / "big.part")
    assert not (tmp_path / "big.part").exists()


def test_a_broken_transfer_resumes_with_a_range_request(site, fetcher, tmp_path):
    body = bytes(range(256)) * 400
    site.routes["/zip"] = Route(body, etag='"z1"', ranges=True, cut_first_after=30_000)
    got = fetcher().download(site.url("/zip"), tmp_path / "zip.part")
    first, second = site.hits("/zip")
    assert "range" not in first.headers and second.status == 206
    assert second.headers["range"] == "bytes=30000-" and second.headers["if-range"] == '"z1"'
    assert (tmp_path / "zip.part").read_bytes() == body and got.sha256 == hashlib.sha256(body).hexdigest()
    assert not (tmp_path / "zip.part.json").exists()  # resume state gone once complete


def test_a_server_that_ignores_range_sends_the_whole_file_again(site, fetcher, tmp_path):
    body = b"0123456789" * 5000
    site.routes["/zip"] = Route(body, etag='"z1"', ranges=False, cut_first_after=1000)
    got = fetcher().download(site.url("/zip"), tmp_path / "zip.part")
    assert [seen.status for seen in site.hits("/zip")] == [200, 200]
    assert (tmp_path / "zip.part").read_bytes() == body and got.n_bytes == len(body)


def test_a_checksum_that_does_not_match_the_registry_is_refused(site, fetcher, tmp_path):
    site.routes["/p"] = Route(PAGE)
    with pytest.raises(FetchError, match="^checksum mismatch: expected sha256 000000000000"):
        fetcher().download(site.url("/p"), tmp_path / "p.part", expected_sha256="0" * 64)
    assert not (tmp_path / "p.part").exists()


def test_redirects_are_followed_to_the_final_url(site, fetcher, tmp_path):
    site.routes["/old"] = Route(location="/new", status=301)
    site.routes["/new"] = Route(PAGE)
    got = fetcher().download(site.url("/old"), tmp_path / "p.part")
    assert got.final_url == site.url("/new") and got.url == site.url("/old")


@pytest.mark.parametrize(("location", "refusal"), [
    ("file:///etc/passwd", "redirect to file:///etc/passwd refused: only http and https URLs are fetched"),
    ("ftp://127.0.0.1/label.zip", "only http and https URLs are fetched"),
    ("http://10.0.0.7/admin", "resolves to the non-public address 10.0.0.7"),
    ("http://169.254.169.254/latest/meta-data/", "non-public address 169.254.169.254"),
])
def test_redirects_to_other_schemes_or_private_addresses_are_refused(site, fetcher, tmp_path, location, refusal):
    site.routes["/go"] = Route(location=location)
    with pytest.raises(Refused, match="refused") as error:
        fetcher().download(site.url("/go"), tmp_path / "p.part")
    assert refusal in error.value.reason and error.value.status == "refused"
    assert len(site.hits("/go")) == 1  # refused, not retried


def test_loopback_is_refused_unless_the_source_allows_it(site, fetcher, tmp_path):
    site.routes["/p"] = Route(PAGE)
    for url in (site.url("/p"), site.url("/p").replace("127.0.0.1", "localhost")):
        with pytest.raises(Refused, match="non-public address 127.0.0.1"):
            fetcher(allow_private=()).download(url, tmp_path / "p.part")
    assert site.requests == []


def test_redirect_loops_are_bounded(site, fetcher, tmp_path):
    site.routes["/loop"] = Route(location="/loop")
    with pytest.raises(FetchError, match=r"^too many redirects \(more than 3\)$"):
        fetcher(max_redirects=3).download(site.url("/loop"), tmp_path / "p.part")
    assert len(site.hits("/loop")) == 4


def test_robots_txt_is_read_once_per_site_and_obeyed(site, fetcher, tmp_path):
    site.routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    site.routes["/private/p"] = Route(PAGE)
    site.routes["/p"] = Route(PAGE)
    polite = fetcher(robots=True)
    with pytest.raises(RobotsDisallowed, match="disallowed by robots.txt for drugdata-test") as error:
        polite.download(site.url("/private/p"), tmp_path / "p.part")
    assert error.value.status == "skipped_robots" and site.hits("/private/p") == []
    polite.download(site.url("/p"), tmp_path / "p.part")
    assert len(site.hits("/robots.txt")) == 1


def test_a_robots_txt_that_cannot_be_read_disallows_everything(site, fetcher, tmp_path):
    site.routes["/robots.txt"] = Route(b"", fail_first=99, fail_status=503)
    site.routes["/p"] = Route(PAGE)
    with pytest.raises(RobotsDisallowed, match=r"robots.txt could not be read \(HTTP 503\)"):
        fetcher(robots=True, retries=0).download(site.url("/p"), tmp_path / "p.part")
    assert site.hits("/p") == []


def test_no_robots_txt_allows_everything(site, fetcher, tmp_path):
    site.routes["/p"] = Route(PAGE)
    assert fetcher(robots=True).download(site.url("/p"), tmp_path / "p.part").n_bytes == len(PAGE)


def test_the_rate_limit_spaces_requests_to_one_host():
    slept: list[float] = []
    limiter = HostLimiter(sleep=slept.append)
    limiter.wait("example.org", 2.0)
    limiter.wait("example.org", 2.0)
    limiter.wait("other.example", 2.0)
    assert len(slept) == 1 and 1.9 < slept[0] <= 2.0


def test_crawl_delay_slows_the_rate_for_that_site(site, tmp_path):
    site.routes["/robots.txt"] = Route(b"User-agent: *\nCrawl-delay: 7\n", content_type="text/plain")
    site.routes["/p"] = Route(PAGE)
    slept: list[float] = []
    settings = Settings("drugdata-test/1.0", MB, rate_limit_seconds=0.1, robots=True, allow_private=LOOPBACK)
    with Fetcher(settings, HostLimiter(sleep=slept.append)) as polite:
        polite.download(site.url("/p"), tmp_path / "a.part")
        polite.download(site.url("/p"), tmp_path / "b.part")
    assert 6.5 < slept[-1] <= 7.1  # the first wait is the 0.1 s after robots.txt itself


def test_only_http_urls_with_a_host_are_fetched():
    for url, reason in [("file:///etc/passwd", "only http and https"), ("http:///nohost", "no host name"),
                        ("gopher://example.org/", "only http and https")]:
        with pytest.raises(Refused, match=reason):
            check_url(url)
