"""Reference data the rules match against: DPRK ranges, VPN ranges, IP-KVM indicators.

Loaded from the package (``nkwatch/data/hiring``) or from user files; parsed into plain
values so the rules stay pure.
"""

from __future__ import annotations

import bisect
import ipaddress
import socket
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from nkwatch.errors import UserError


@dataclass(frozen=True)
class NetworkList:
    """Sorted, non-overlapping-enough IP ranges with labels; lookup by bisect."""

    name: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    labels: tuple[str, ...]

    @classmethod
    def parse(cls, name: str, text: str, where: str) -> NetworkList:
        rows: list[tuple[int, int, str]] = []
        for n, line in enumerate(text.splitlines(), start=1):
            body = line.split("#", 1)[0].strip()
            if not body:
                continue
            cidr, _, label = body.partition("\t")
            try:
                net = ipaddress.ip_network(cidr.strip(), strict=False)
            except ValueError:
                raise UserError(f"line {n}: not a CIDR range: {cidr[:60]!r}", where=where) from None
            base = 0 if net.version == 4 else 1 << 128
            rows.append(
                (
                    base + int(net.network_address),
                    base + int(net.broadcast_address),
                    label.strip() or str(net),
                )
            )
        rows.sort()
        return cls(
            name, tuple(r[0] for r in rows), tuple(r[1] for r in rows), tuple(r[2] for r in rows)
        )

    def lookup(self, ip: str) -> str | None:
        try:
            addr = ipaddress.ip_address(ip)
        except ValueError:
            return None
        key = (0 if addr.version == 4 else 1 << 128) + int(addr)
        i = bisect.bisect_right(self.starts, key) - 1
        if i >= 0 and key <= self.ends[i]:
            return self.labels[i]
        return None

    def lookup_many(self, ips: Sequence[str]) -> list[str | None]:
        """``lookup`` for a whole column: IPv4 parsed in C and searched with numpy.

        Sign-in logs hold millions of events; one ``ipaddress`` object per event was most of
        the network rules' time. Anything not a dotted IPv4 falls back to ``lookup``.
        """
        out: list[str | None] = [None] * len(ips)
        pos, keys = [], []
        for k, ip in enumerate(ips):
            try:
                keys.append(int.from_bytes(socket.inet_pton(socket.AF_INET, ip), "big"))
                pos.append(k)
            except OSError:
                out[k] = self.lookup(ip)
        v4 = [i for i, start in enumerate(self.starts) if start < 1 << 32]
        if not pos or not v4:
            return out
        starts = np.array([self.starts[i] for i in v4], dtype=np.int64)
        ends = np.array([self.ends[i] for i in v4], dtype=np.int64)
        key = np.array(keys, dtype=np.int64)
        idx = np.searchsorted(starts, key, side="right") - 1
        hit = (idx >= 0) & (key <= ends[np.maximum(idx, 0)])
        for k in np.flatnonzero(hit).tolist():
            out[pos[k]] = self.labels[v4[idx[k]]]
        return out


@dataclass(frozen=True)
class KvmIndicators:
    """The ipkvm-watch YAML, flattened: each entry maps a normalised key to (vendor, confidence)."""

    mac_prefixes: tuple[tuple[str, str, str], ...]  # (prefix without separators, vendor, conf)
    mdns: dict[str, str]
    http_titles: dict[str, str]
    usb: tuple[tuple[str, str, str, str], ...]  # (vid, pid, manufacturer lower, vendor)

    @classmethod
    def from_yaml(cls, doc: dict[str, Any]) -> KvmIndicators:
        net = doc.get("network") or {}
        macs = []
        for vendor, spec in (net.get("mac_addresses") or {}).items():
            for p in (spec or {}).get("prefixes") or []:
                macs.append((_hex(p["prefix"]), vendor, str(p.get("confidence", "low"))))
        mdns = {h.lower(): v for v, hosts in (net.get("mdns") or {}).items() for h in hosts or []}
        http = doc.get("http") or {}
        titles = {
            str(t).lower(): v for v, ts in (http.get("title") or {}).items() for t in ts or []
        }
        for vendor, cn in (http.get("ssl") or {}).items():
            titles.setdefault(str(cn).lower(), vendor)
        usb = tuple(
            (
                str(d["vid"]).upper(),
                str(d["pid"]).upper(),
                str(d.get("manufacturer") or "").lower(),
                vendor,
            )
            for vendor, devs in (doc.get("usb") or {}).items()
            for d in devs or []
        )
        macs.sort(key=lambda m: -len(m[0]))  # longest prefix first
        return cls(tuple(macs), mdns, titles, usb)

    def match_mac(self, mac: str) -> tuple[str, str] | None:
        key = _hex(mac)
        for prefix, vendor, conf in self.mac_prefixes:
            if key.startswith(prefix):
                return vendor, conf
        return None


def _hex(value: str) -> str:
    return "".join(ch for ch in value.upper() if ch in "0123456789ABCDEF")


@dataclass(frozen=True)
class ReferenceData:
    dprk: NetworkList
    vpn: NetworkList
    kvm: KvmIndicators
    remote_tools: tuple[str, ...] = field(
        default=(
            "anydesk",
            "teamviewer",
            "splashtop",
            "chrome remote desktop",
            "remotedesktophost",
            "rustdesk",
            "screenconnect",
            "connectwise control",
            "atera",
            "zoho assist",
        )
    )

    @staticmethod
    @cache
    def bundled() -> ReferenceData:
        folder = resources.files("nkwatch.data") / "hiring"
        kvm = yaml.safe_load((folder / "ipkvm_indicators.yaml").read_text("utf-8"))
        return ReferenceData(
            dprk=NetworkList.parse(
                "dprk", (folder / "dprk_ip_ranges.txt").read_text("utf-8"), "dprk_ip_ranges.txt"
            ),
            vpn=NetworkList.parse(
                "vpn",
                (folder / "vpn_ranges_sample.txt").read_text("utf-8"),
                "vpn_ranges_sample.txt",
            ),
            kvm=KvmIndicators.from_yaml(kvm),
        )

    def with_vpn_file(self, path: Path) -> ReferenceData:
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(f"cannot read VPN range list: {exc}", where=str(path)) from exc
        user = NetworkList.parse("vpn", text, str(path))
        merged = sorted(
            zip(
                self.vpn.starts + user.starts,
                self.vpn.ends + user.ends,
                self.vpn.labels + user.labels,
                strict=True,
            )
        )
        vpn = NetworkList(
            "vpn",
            tuple(m[0] for m in merged),
            tuple(m[1] for m in merged),
            tuple(m[2] for m in merged),
        )
        return ReferenceData(self.dprk, vpn, self.kvm, self.remote_tools)
