"""The offline replica of the site: ``ReplicaSite`` (what it serves) and ``ReplicaServer`` (real HTTP)."""

from crawler.replica.server import ReplicaServer
from crawler.replica.site import ReplicaSite

__all__ = ["ReplicaServer", "ReplicaSite"]
