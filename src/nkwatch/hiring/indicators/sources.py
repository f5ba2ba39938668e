"""The published advisories and reports the hiring indicators cite."""

from __future__ import annotations

from nkwatch.hiring.indicators.base import Source

ADVISORY_2022 = Source(
    "Guidance on the Democratic People's Republic of Korea Information Technology Workers",
    "U.S. Department of State, U.S. Department of the Treasury (OFAC), FBI",
    "2022-05-16",
    "https://ofac.treasury.gov/recent-actions/20220516",
)
ADVISORY_2023 = Source(
    "Additional Guidance on the Democratic People's Republic of Korea Information Technology"
    " Workers (joint U.S.-ROK public service announcement)",
    "U.S. Department of State, FBI, Republic of Korea MOFA, KNPA and NIS",
    "2023-10-18",
    "https://www.state.gov/additional-guidance-on-the-democratic-peoples-republic-of-korea-information-technology-workers",
)
FBI_PSA_2025 = Source(
    "North Korean IT Workers Conducting Data Extortion (PSA I-012325-PSA)",
    "FBI",
    "2025-01-23",
    "https://www.ic3.gov/PSA/2025/PSA250123",
)
DOJ_CHAPMAN_2024 = Source(
    "Charges and Seizures Brought in Fraud Scheme Aimed at Denying Revenue for Workers"
    " Associated with North Korea (laptop farm, 68 identities, 309 companies)",
    "U.S. Department of Justice",
    "2024-05-16",
    "https://www.justice.gov/opa/pr/charges-and-seizures-brought-fraud-scheme-aimed-denying-revenue-workers-associated-north-korea",
)
DOJ_SILVERSTAR_2024 = Source(
    "Fourteen North Korean Nationals Indicted for Carrying Out Multi-Year Fraudulent"
    " Information Technology Worker Scheme and Related Extortions (Yanbian Silverstar,"
    " Volasys Silver Star)",
    "U.S. Department of Justice",
    "2024-12-12",
    "https://www.justice.gov/opa/pr/fourteen-north-korean-nationals-indicted-carrying-out-multi-year-fraudulent-information",
)
MANDIANT_2024 = Source(
    "Staying a Step Ahead: Mitigating the DPRK IT Worker Threat",
    "Mandiant (Google Cloud)",
    "2024-09-23",
    "https://cloud.google.com/blog/topics/threat-intelligence/mitigating-dprk-it-worker-threat",
)
MICROSOFT_2025 = Source(
    "Jasper Sleet: North Korean remote IT workers' evolving tactics to infiltrate organizations",
    "Microsoft Threat Intelligence",
    "2025-06-30",
    "https://www.microsoft.com/en-us/security/blog/2025/06/30/jasper-sleet-north-korean-remote-it-workers-evolving-tactics-to-infiltrate-organizations/",
)
IPKVM_WATCH = Source(
    "ipkvm-watch indicators.yaml (IOCs largely from runZero's IP-KVM research)",
    "LivingInSyn/ipkvm-watch (MIT)",
    "2026-06-09",
    "https://github.com/LivingInSyn/ipkvm-watch",
)
DPRK_RANGES = Source(
    "North Korea IP addresses (from Trend Micro's 2017 survey of North Korea's internet)",
    "Sh1n0g1/North-Korea-IP-Addresses",
    "2017-10-31",
    "https://github.com/Sh1n0g1/North-Korea-IP-Addresses",
)
