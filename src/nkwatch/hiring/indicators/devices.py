"""Devices: IP-KVMs next to company laptops and remote-access tools installed on them."""

from __future__ import annotations

from collections.abc import Iterator

from nkwatch.hiring.indicators import verify
from nkwatch.hiring.indicators.base import Hit, ScreeningContext, Severity, indicator
from nkwatch.hiring.indicators.sources import (
    DOJ_CHAPMAN_2024,
    IPKVM_WATCH,
    MANDIANT_2024,
    MICROSOFT_2025,
)
from nkwatch.hiring.model import HostEvent, HostEventKind
from nkwatch.hiring.refdata import KvmIndicators

GENERIC_GADGET = ("1D6B", "0104")  # Linux composite gadget: every KVM and many dev boards


def _kvm_evidence(kvm: KvmIndicators, ev: HostEvent) -> tuple[str, str] | None:
    """(confidence, evidence) for one host event, or None."""
    if ev.kind is HostEventKind.NETWORK_NEIGHBOR:
        if ev.hostname and (vendor := kvm.mdns.get(ev.hostname.lower())):
            return "high", f"mDNS name {ev.hostname!r} ({vendor})"
        if found := kvm.match_mac(ev.value):
            return found[1], f"MAC {ev.value} has a {found[0]} prefix ({found[1]} confidence)"
    if ev.kind is HostEventKind.HTTP_SERVICE and (vendor := kvm.http_titles.get(ev.value.lower())):
        return "high", f"LAN web service titled {ev.value!r} ({vendor})"
    if ev.kind is HostEventKind.USB_DEVICE and ev.vid and ev.pid:
        vid, pid, maker = ev.vid.upper(), ev.pid.upper(), (ev.manufacturer or "").lower()
        for kv, kp, km, vendor in kvm.usb:
            if (vid, pid) == (kv, kp) and km and km in maker:
                return "high", f"USB {vid}:{pid} from {ev.manufacturer!r} ({vendor})"
        if (vid, pid) == GENERIC_GADGET or any((vid, pid) == (kv, kp) for kv, kp, _, _ in kvm.usb):
            return "low", f"USB {vid}:{pid} composite gadget (IP-KVMs present as one)"
    return None


def _kvm_hits(ctx: ScreeningContext, high: bool) -> Iterator[Hit]:
    iid = "device.ipkvm" if high else "device.ipkvm_possible"
    for pid, events in ctx.host_events.items():
        found = [e for ev in events if (e := _kvm_evidence(ctx.refdata.kvm, ev))]
        chosen = [text for conf, text in found if (conf == "high") == high]
        if chosen and (high or not any(conf == "high" for conf, _ in found)):
            yield Hit(iid, pid, "; ".join(sorted(set(chosen))[:4]))


@indicator(
    "device.ipkvm",
    family="devices",
    title="IP-KVM attached to or next to the laptop",
    description="A PiKVM/TinyPilot/JetKVM/GL.iNet/BliKVM/NanoKVM seen by mDNS name, HTTP"
    " title, high-confidence MAC prefix or USB identity: remote hands on the keyboard.",
    severity=Severity.STRONG,
    sources=(IPKVM_WATCH, DOJ_CHAPMAN_2024, MANDIANT_2024),
    verify=verify.DEVICE_CHECK,
)
def ipkvm(ctx: ScreeningContext) -> Iterator[Hit]:
    yield from _kvm_hits(ctx, high=True)


@indicator(
    "device.ipkvm_possible",
    family="devices",
    title="Possible IP-KVM (low confidence)",
    description="Only low-confidence evidence: a Raspberry Pi MAC prefix or a generic USB"
    " gadget identity, which hobby boards share.",
    severity=Severity.WEAK,
    sources=(IPKVM_WATCH,),
    verify=verify.DEVICE_CHECK,
)
def ipkvm_possible(ctx: ScreeningContext) -> Iterator[Hit]:
    yield from _kvm_hits(ctx, high=False)


@indicator(
    "device.remote_access_tool",
    family="devices",
    title="Remote-access tool on the company laptop",
    description="AnyDesk, TeamViewer, Splashtop, Chrome Remote Desktop or similar RMM tools"
    " installed or running.",
    severity=Severity.MEDIUM,
    sources=(MICROSOFT_2025, MANDIANT_2024, DOJ_CHAPMAN_2024),
    verify=verify.DEVICE_CHECK,
)
def remote_access_tool(ctx: ScreeningContext) -> Iterator[Hit]:
    tools = ctx.refdata.remote_tools
    for pid, events in ctx.host_events.items():
        found = sorted(
            {
                t
                for e in events
                if e.kind is HostEventKind.SOFTWARE
                for t in tools
                if t in e.value.lower()
            }
        )
        if found:
            yield Hit("device.remote_access_tool", pid, f"remote-access tools: {', '.join(found)}")
