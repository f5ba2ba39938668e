"""Address codecs, spec-tested: Base58/Base58Check (Bitcoin and Ripple alphabets), Bech32
and Bech32m (BIP-173/350, CashAddr), Monero block base58 + Keccak checksum, EVM EIP-55."""
