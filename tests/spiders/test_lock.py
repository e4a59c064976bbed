"""The crawl lock belongs to the database file, whichever path reaches it."""

import os

import pytest

from crawler.crawl_run import LockHeld, crawl_lock


def test_a_symlinked_path_to_the_same_database_shares_the_lock(tmp_path, monkeypatch):
    real = tmp_path / "data" / "news.db"
    real.parent.mkdir()
    real.touch()
    link = tmp_path / "link.db"
    os.symlink(real, link)
    with crawl_lock(real) as lock_path:
        assert lock_path == real.with_name("news.db.lock")
        with pytest.raises(LockHeld):
            with crawl_lock(link):
                pass
        monkeypatch.chdir(real.parent)
        with pytest.raises(LockHeld):
            with crawl_lock(type(real)("news.db")):  # a relative path to the same file
                pass
    with crawl_lock(link) as lock_path:  # released: the next run takes it
        assert lock_path == real.with_name("news.db.lock")
