"""The reason written to `failures` for a fetch error: short words, the HTTP status when there is one."""

from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TimeoutError
from twisted.python.failure import Failure

from crawler.spiders.sc_chinanews import failure_reason


def _failure(exc: Exception) -> Failure:
    try:
        raise exc
    except Exception:
        return Failure()


def test_http_error_gives_its_status():
    response = HtmlResponse("https://www.sc.chinanews.com.cn/x", status=404, request=Request("https://a/"))
    assert failure_reason(_failure(HttpError(response, "Ignoring non-200 response")), 30) == ("HTTP 404", 404)


def test_network_errors():
    assert failure_reason(_failure(TimeoutError()), 1.5) == ("timeout after 1.5 s", None)
    assert failure_reason(_failure(DNSLookupError("no such host")), 30) == ("DNS lookup failed", None)
    assert failure_reason(_failure(ConnectionRefusedError()), 30) == ("connection refused", None)


def test_robots_refusal():
    assert failure_reason(_failure(IgnoreRequest("Forbidden by robots.txt")), 30) == (
        "forbidden by robots.txt",
        None,
    )


def test_anything_else_is_named_and_cut_short():
    reason, status = failure_reason(_failure(ValueError("x" * 1000 + "\nsecond line")), 30)
    assert reason.startswith("ValueError: xxx") and len(reason) <= 300 and status is None
