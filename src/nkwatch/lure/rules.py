"""The rule registry: each trait of a DPRK developer lure is one entry.

A rule is data (id, severity, moment, citations, advice). The checkers (``vscode``,
``npm``, ``jsfacts``, ``pyfacts``, ``deps``, ``binaries``) report :class:`Hit` s by rule id;
a new campaign's trait is a new entry here plus, when it needs one, a small check or a line
of indicator data (``data/indicators.json``). Plug-ins add rules with :func:`register`.
"""

from __future__ import annotations

from nkwatch.lure import citations as c
from nkwatch.lure.model import Citation, Moment, Rule, Severity

RULES: dict[str, Rule] = {}

H, W = Severity.high, Severity.warning


def register(rule: Rule) -> Rule:
    if rule.id in RULES:
        raise ValueError(f"lure rule {rule.id!r} is registered twice")
    RULES[rule.id] = rule
    return rule


def _rule(
    rid: str,
    title: str,
    severity: Severity,
    moment: Moment,
    cites: tuple[Citation, ...],
    advice: str,
) -> None:
    register(Rule(rid, title, severity, moment, cites, advice))


_DONT_OPEN = (
    "Do not open the folder in VS Code with trust granted or run npm/pip on it; review it "
    "in a disposable VM, report the repository or package, and if it already ran treat the "
    "machine as compromised (rotate keys, move wallet funds from a clean device)."
)

_rule(
    "vscode-folder-open",
    "VS Code task runs by itself when the folder is opened",
    W,
    Moment.folder_open,
    (c.GITLAB_2026, c.MICROSOFT_2026),
    "Read the task before trusting the workspace; keep `task.allowAutomaticTasks` off.",
)
_rule(
    "vscode-folder-open-fetch",
    "Folder-open task downloads, decodes or runs a disguised file",
    H,
    Moment.folder_open,
    (c.GITLAB_2026, c.MICROSOFT_2026),
    _DONT_OPEN,
)
_rule(
    "npm-lifecycle-fetch",
    "npm install script downloads, decodes or spawns code",
    H,
    Moment.install,
    (c.GITHUB_2023, c.UNIT42_2023, c.DATADOG_2024),
    "Install with `npm install --ignore-scripts` only after reading the script; " + _DONT_OPEN,
)
_rule(
    "hidden-after-whitespace",
    "Code hidden after a long run of blanks (pushed off-screen)",
    H,
    Moment.app_start,
    (c.UNIT42_2024, c.MICROSOFT_2026),
    "Scroll right or run a formatter before trusting the file; " + _DONT_OPEN,
)
_rule(
    "config-file-code",
    "Build or framework config file runs code (eval, process spawn, network, obfuscation)",
    H,
    Moment.app_start,
    (c.UNIT42_2024, c.MICROSOFT_2026),
    "A config file should only export settings; compare it with the framework's generated "
    "one. " + _DONT_OPEN,
)
_rule(
    "obfuscated-code",
    "Obfuscated JavaScript (_0x names, rotated string array, long encoded strings)",
    W,
    Moment.run,
    (c.UNIT42_2023, c.UNIT42_2024),
    "Deobfuscate before running; legitimate project code is rarely shipped obfuscated.",
)
_rule(
    "obfuscated-autorun",
    "Obfuscated code in a file that runs by itself (config, install script, entry point)",
    H,
    Moment.app_start,
    (c.UNIT42_2023, c.UNIT42_2024),
    _DONT_OPEN,
)
_rule(
    "network-to-exec",
    "Text fetched from the network is run as code",
    H,
    Moment.run,
    (c.UNIT42_2023, c.UNIT42_2024, c.GITHUB_2023),
    _DONT_OPEN,
)
_rule(
    "decoded-to-exec",
    "Decoded (base64, hex, zlib) text is run as code",
    H,
    Moment.run,
    (c.UNIT42_2024, c.FBI_2024),
    _DONT_OPEN,
)
_rule(
    "dead-drop-exec",
    "A paste or JSON hosting service serves code that is run (dead drop)",
    H,
    Moment.run,
    (c.NPOINT_2026, c.UNIT42_2024),
    _DONT_OPEN,
)
_rule(
    "shell-download-pipe",
    "A process is spawned that downloads and pipes into a shell (curl | sh, iwr | iex)",
    H,
    Moment.run,
    (c.GITHUB_2023, c.GITLAB_2026),
    _DONT_OPEN,
)
_rule(
    "env-exfiltration",
    "The whole environment (process.env / os.environ) is sent over the network",
    H,
    Moment.run,
    (c.MICROSOFT_2026, c.UNIT42_2024),
    "Secrets in the environment would leave the machine; rotate them if it ran. " + _DONT_OPEN,
)
_rule(
    "wallet-theft",
    "Browser wallet extensions or credential stores are read and sent out",
    H,
    Moment.run,
    (c.UNIT42_2023, c.UNIT42_2024),
    _DONT_OPEN,
)
_rule(
    "wallet-paths",
    "Browser wallet extension ids or credential-store paths appear in code",
    W,
    Moment.run,
    (c.UNIT42_2023, c.UNIT42_2024),
    "Check why the code needs browser profiles or wallets; stealers list them this way.",
)
_rule(
    "raw-ip-c2",
    "Hidden or known-port raw IP address URL (BeaverTail C2 shape)",
    H,
    Moment.run,
    (c.MITRE_BEAVERTAIL, c.UNIT42_2023),
    "Block the address at the egress; " + _DONT_OPEN,
)
_rule(
    "known-malicious-package",
    "Depends on a package named in a DPRK malicious-package report",
    H,
    Moment.install,
    (),  # each hit carries the reports naming that package
    "Remove the dependency and the lockfile entry; if it was installed, treat the machine "
    "as compromised.",
)
_rule(
    "disguised-binary",
    "File bytes do not match its extension (script or program posing as font/image)",
    H,
    Moment.run,
    (c.UNIT42_2024, c.MICROSOFT_2026),
    "Open the file as text in a VM; a 'font' or 'image' that is code is a loader.",
)
