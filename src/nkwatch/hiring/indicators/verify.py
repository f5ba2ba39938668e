"""Verification steps the advisories recommend, attached to the indicators that call for them."""

from __future__ import annotations

LIVE_ID = (
    "hold a live video interview with the government ID shown on camera; require an in-person"
    " or notarized identity check"
)
SHIP_TO_ID = "ship equipment only to the address on the verified ID and confirm receipt on camera"
PAYOUT_HOLDER = (
    "verify that the payout account holder is the applicant (bank letter in the same name);"
    " refuse third-party, money-service or crypto payouts"
)
REFERENCES = "contact past employers and schools through independently found contact details"
DEVICE_CHECK = (
    "inventory the laptop (EDR/MDM): remove remote-access tools, look for IP-KVMs on the LAN,"
    " require an on-site device check"
)
NETWORK = "require company VPN/ZTNA only and review login geography and hours"
SANCTIONS = "escalate to compliance: possible sanctions exposure; do not pay until cleared"
DATA_ACCESS = (
    "review repository, cloud and admin access now; revoke what is not needed and preserve logs"
)
