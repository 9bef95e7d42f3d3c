"""One thing benchmarks/http_bench.py loads with wrk, and the browser that prepares it."""

import http.cookiejar
import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from benchmarks.workload import Stream

WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  local used = 0  -- pairs taken from a rotating list: the highest index any thread reached
  for _, thread in ipairs(threads) do
    local count = thread:get("counter") or 0
    if count > 0 then
      used = math.max(used, thread:get("offset") + (count - 1) * #threads + 1)
    end
  end
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "non2xx": %d, "socket_errors": %d,'
    .. ' "p50_us": %d, "p95_us": %d, "p99_us": %d, "used": %d}\\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), used))
end
"""


@dataclass
class Target:
    """One thing to load. `requests` lists (path, body) pairs when each request must be different
    (e.g. answers that may be saved once); `stream` builds a new body per request inside wrk (a
    learner's new setup). Either way every wrk run starts from where the previous run stopped,
    and wrk's threads take alternate requests, so no request is sent twice (a repeated answer
    shows up as non-2xx). Otherwise every request is the same. With `cookies`, request i also
    sends cookies[i] as its Cookie header.

    `expect` is a piece of text every real response contains and `refuse` one it must not
    contain (e.g. `<html` for a partial): the target is checked once before the load, so a
    benchmark of an error page or of the wrong template cannot pass for the real one."""

    name: str
    path: str
    method: str = "GET"
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    # One Cookie header per entry of `requests` when each request is a different visitor's (a
    # quiz taker's own session); empty when every request sends the Cookie in `headers`.
    cookies: list[str] = field(default_factory=list)
    stream: Stream | None = None
    expect: str = ""
    refuse: str = ""
    next_request: int = 0

    def lua(self, *, threads: int) -> str:
        lines = [f'wrk.method = "{self.method}"']
        if self.body:
            lines.append(f"wrk.body = {json.dumps(self.body)}")
        for name, value in self.headers.items():
            lines.append(f'wrk.headers["{name}"] = {json.dumps(value)}')
        if self.requests or self.stream:
            # setup runs in the main state once per thread: thread k takes requests k, k + n,
            # k + 2n, ... (n threads); done() reads each thread's counter back.
            lines += [
                "threads = {}",
                "setup = function(thread)",
                "  thread:set('offset', #threads)",
                "  thread:set('counter', 0)",
                "  table.insert(threads, thread)",
                "end",
            ]
            if self.stream:
                body = self.stream.lua(f"{self.next_request} + index")
                fetch = [f"  return wrk.format(nil, nil, nil, {body})"]
            else:
                fresh = self.requests[self.next_request :]
                cookies = self.cookies[self.next_request :] or [""] * len(fresh)
                pairs = ", ".join(
                    f"{{{json.dumps(p)}, {json.dumps(b)}, {json.dumps(c)}}}"
                    for (p, b), c in zip(fresh, cookies, strict=True)
                )
                # Named so as not to shadow Lua's pairs(), which copies the headers below.
                lines.insert(0, f"local fresh_requests = {{{pairs}}}")
                fetch = [
                    "  local pair = fresh_requests[index % #fresh_requests + 1]",
                    "  local headers = nil",
                    "  if pair[3] ~= '' then",
                    "    headers = {}",
                    "    for name, value in pairs(wrk.headers) do headers[name] = value end",
                    "    headers['Cookie'] = pair[3]",
                    "  end",
                    "  return wrk.format(nil, pair[1], headers, pair[2])",
                ]
            lines += [
                "request = function()",
                "  local index = offset + counter * " + str(threads),
                "  counter = counter + 1",
                *fetch,
                "end",
            ]
        else:
            lines.append("threads = {}")
        return "\n".join(lines) + WRK_REPORT

    def first_request(self) -> tuple[str, str, dict[str, str]]:
        """The path, body and headers of the next request to send (and counts it as sent)."""
        path, body, headers = self.path, self.body, self.headers
        if self.requests:
            path, body = self.requests[self.next_request]
            if self.cookies:
                headers = {**headers, "Cookie": self.cookies[self.next_request]}
        elif self.stream:
            body = self.stream.body(self.next_request)
        if self.requests or self.stream:
            self.next_request += 1
        return path, body, headers

    def used(self, count: int) -> None:
        """Skip the pairs a run sent (completed or still in flight when it stopped)."""
        self.next_request += count


class Browser:
    """A cookie-keeping client: fetches a CSRF token and a session as a learner's browser would."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> str:
        with self.opener.open(self.base_url + path, timeout=10) as response:
            return response.read().decode()

    def post(self, path: str, body: str, headers: dict[str, str]) -> tuple[int, str]:
        """A POST as the browser; returns the status and text after any redirect. The jar sends
        the cookies (a Cookie header given here would also be copied onto the redirect)."""
        headers = {name: value for name, value in headers.items() if name != "Cookie"}
        request = urllib.request.Request(
            self.base_url + path, data=body.encode(), headers=headers, method="POST"
        )
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def cookie(self, name: str) -> str:
        return next(c.value or "" for c in self.jar if c.name == name)

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)

    def form_post_headers(self, *, htmx: bool) -> dict[str, str]:
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": self.cookie_header(),
            "X-CSRFToken": self.cookie("csrftoken"),
            "Referer": self.base_url + "/",
        }
        if htmx:
            headers["HX-Request"] = "true"
        return headers
