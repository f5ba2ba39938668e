"""The public reports the lure rules rest on (publisher, title, date, address).

Facts are re-expressed in nkwatch's own rules; no third-party rule text is copied. Where a
report was read through a summary, the summary's address is given and the publisher named.
"""

from __future__ import annotations

from nkwatch.lure.model import Citation

UNIT42_2023 = Citation(
    "Palo Alto Networks Unit 42",
    "Hacking Employers and Seeking Employment: Two Job-Related Campaigns Bear Hallmarks of "
    "North Korean Threat Actors (Contagious Interview: BeaverTail, InvisibleFerret)",
    "2023-11-21",
    "https://unit42.paloaltonetworks.com/two-campaigns-by-north-korea-bad-actors-target-job-hunters/",
)
UNIT42_2024 = Citation(
    "Palo Alto Networks Unit 42",
    "Contagious Interview: DPRK Threat Actors Lure Tech Industry Job Seekers to Install New "
    "Variants of BeaverTail and InvisibleFerret Malware",
    "2024-10-09",
    "https://unit42.paloaltonetworks.com/north-korean-threat-actors-lure-tech-job-seekers-as-fake-recruiters/",
)
GITHUB_2023 = Citation(
    "GitHub",
    "Security alert: social engineering campaign targets technology industry employees "
    "(Jade Sleet / TraderTraitor, npm packages fetching a second stage at install)",
    "2023-07-18",
    "https://github.blog/security/vulnerability-research/security-alert-social-engineering-campaign-targets-technology-industry-employees/",
)
FBI_2024 = Citation(
    "FBI, DC3 and Japan NPA",
    "TraderTraitor responsible for the theft of $308 million from Bitcoin.DMM.com "
    "(a malicious 'pre-employment test' Python script on GitHub sent to a Ginco employee)",
    "2024-12-23",
    "https://www.fbi.gov/news/press-releases/fbi-dc3-and-npa-identification-of-north-korean-cyber-actors-tracked-as-tradertraitor-responsible-for-theft-of-308-million-from-bitcoindmmcom",
)
MITRE_BEAVERTAIL = Citation(
    "MITRE ATT&CK",
    "BeaverTail (S1246): C2 over TCP ports 1224 and 1244",
    "2025-10",
    "https://attack.mitre.org/software/S1246/",
)
DATADOG_2024 = Citation(
    "Datadog Security Labs",
    "Tenacious Pungsan: a DPRK threat actor linked to Contagious Interview "
    "(passports-js, bcrypts-js, blockscan-api carrying BeaverTail)",
    "2024-09",
    "https://securitylabs.datadoghq.com/articles/tenacious-pungsan-dprk-threat-actor-contagious-interview/",
)
SOCKET_2025_03 = Citation(
    "Socket",
    "Lazarus strikes npm again with a new wave of malicious packages",
    "2025-03-10",
    "https://socket.dev/blog/lazarus-strikes-npm-again-with-a-new-wave-of-malicious-packages",
)
SOCKET_2025_06 = Citation(
    "Socket",
    "North Korean Contagious Interview campaign drops 35 new malicious npm packages "
    "(HexEval loader, BeaverTail)",
    "2025-06",
    "https://socket.dev/blog/north-korean-contagious-interview-campaign-drops-35-new-malicious-npm-packages",
)
JPCERT_2024 = Citation(
    "JPCERT/CC",
    "Lazarus uploaded malicious Python packages to PyPI (pycryptoenv, pycryptoconf, "
    "quasarlib, swapmempool; Comebacker)",
    "2024-02-21",
    "https://blogs.jpcert.or.jp/en/2024/02/lazarus_pypi.html",
)
GITLAB_2026 = Citation(
    "GitLab Security",
    "How to detect and prevent Contagious Interview IDE attacks (VS Code tasks.json run on "
    "folder open)",
    "2026-05-04",
    "https://about.gitlab.com/blog/how-to-detect-and-prevent-contagious-interview-ide-attacks/",
)
MICROSOFT_2026 = Citation(
    "Microsoft Threat Intelligence (summary by infosecradar.com)",
    "Job-themed Next.js repository lures with multi-stage backdoors: triggers on folder open "
    "in VS Code, on npm run dev and on server start",
    "2026-02-25",
    "https://infosecradar.com/stories/2026/02/25/microsoft-warns-of-jobthemed-repo-lures-targeting-developers-with-multistage-bac",
)
NPOINT_2026 = Citation(
    "npoint.io issue tracker (report by a researcher)",
    "BeaverTail stages hosted as JSON bins: base64-decoded bin address, payload run with "
    "new Function",
    "2026-05-18",
    "https://github.com/azirbel/npoint/issues/44",
)
GHSA_EXECUTION_TIME_ASYNC = Citation(
    "GitHub Advisory Database",
    "Malicious code in execution-time-async (npm), GHSA-4mx4-7vp6-gj92",
    "2024-02-15",
    "https://github.com/advisories/GHSA-4mx4-7vp6-gj92",
)
GHSA_IS_BUFFER_VALIDATOR = Citation(
    "GitHub Advisory Database",
    "Malicious code in is-buffer-validator (npm), GHSA-4qqv-xrrq-cwq2",
    "2025-03-12",
    "https://github.com/advisories/GHSA-4qqv-xrrq-cwq2",
)

BY_KEY: dict[str, Citation] = {
    name.lower(): value for name, value in globals().items() if isinstance(value, Citation)
}
