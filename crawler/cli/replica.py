"""``scnews replica``: serve the offline replica of the site on 127.0.0.1."""

from __future__ import annotations

import click


@click.command("replica")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    show_default=True,
    help="Port on 127.0.0.1 (0: a free one).",
)
@click.option("--no-faults", is_flag=True, help="Serve only good pages (no 404, 500, 429, slow page, ...).")
@click.option(
    "--articles",
    type=click.IntRange(min=0),
    default=0,
    metavar="N",
    help="Add N synthetic articles (benchmarks).",
)
@click.option(
    "--latency",
    type=click.FloatRange(min=0),
    default=0.0,
    metavar="SECONDS",
    help="Wait this long before each answer (lists and articles), standing for the network (benchmarks).",
)
def replica_command(port: int, no_faults: bool, articles: int, latency: float) -> None:
    """Serve a small copy of the site, built from the fixtures, until interrupted.

    Channel lists with several pages, articles in every template generation (GBK bytes included), a redirect
    from the www.sc.chinanews.com host, a 404, a 500 and a 429 that succeed on retry, a page slower than the
    crawl's timeout, an error page at an article URL, and a robots.txt. POST /_replica/articles adds an
    article; GET /_replica/requests shows the request log.

    Example: scnews replica --port 8123   (then: scnews crawl --replica-url http://127.0.0.1:8123)
    """
    from crawler.replica import ReplicaServer, ReplicaSite

    try:
        site = ReplicaSite(faults=not no_faults, extra_articles=articles, latency=latency)
        server = ReplicaServer(site, port=port)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}") from None
    summary = server.site.summary()
    click.echo(
        f"replica of www.sc.chinanews.com.cn at {server.url}/ ({summary['articles']} articles); Ctrl-C stops"
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.httpd.server_close()
