"""Which parser reads which file: a small registry keyed by what the file *is*.

Formats are recognised from the decompressed head of the file (root element and
namespace), never from the file name, so a renamed download or a ``.bz2`` without its
suffix still works and an HTML error page is rejected with a clear message. The built-in
OFAC and UN parsers register themselves here the same way a plug-in would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from nkwatch.errors import UserError
from nkwatch.sanctions import ofac, un
from nkwatch.sanctions.model import ListDocument
from nkwatch.sanctions.xmlsafe import read_head, reject_dtd, root_tag


@dataclass(frozen=True)
class ListFormat:
    """One parseable list format."""

    name: str
    description: str
    sniff: Callable[[str | None, bytes], bool]  # (root tag, decompressed head) -> mine?
    parse: Callable[[Path], ListDocument]


_REGISTRY: dict[str, ListFormat] = {}


def register(fmt: ListFormat) -> ListFormat:
    """Add a format; a second registration under the same name is a bug."""
    if fmt.name in _REGISTRY:
        raise ValueError(f"list format {fmt.name!r} is already registered")
    _REGISTRY[fmt.name] = fmt
    return fmt


def formats() -> list[ListFormat]:
    return list(_REGISTRY.values())


def detect_format(path: Path) -> ListFormat:
    """The registered format that recognises ``path``; ``UserError`` if none does."""
    head = read_head(path)
    reject_dtd(head, path)
    tag = root_tag(head)
    for fmt in _REGISTRY.values():
        if fmt.sniff(tag, head):
            return fmt
    known = ", ".join(f.description for f in _REGISTRY.values())
    found = f"root element <{tag}>" if tag else "no XML root element"
    raise UserError(f"not a recognised sanctions list ({found}); expected {known}", where=str(path))


def parse_list(path: Path) -> ListDocument:
    """Parse any supported list file (format sniffed from content, compression by magic)."""
    return detect_format(path).parse(path)


register(
    ListFormat(
        name="ofac-advanced",
        description="OFAC SDN advanced XML",
        sniff=lambda tag, head: tag == ofac.ROOT_TAG and ofac.NAMESPACE_HINT in head,
        parse=ofac.parse_ofac_advanced,
    )
)
register(
    ListFormat(
        name="un-consolidated",
        description="UN consolidated XML",
        sniff=lambda tag, head: tag == un.ROOT_TAG,
        parse=un.parse_un_consolidated,
    )
)


def bundled_dir() -> Path:
    return Path(str(resources.files("nkwatch.data") / "sanctions"))


def bundled_list_paths() -> list[Path]:
    """The newest bundled snapshot of each list (file names carry the publication date)."""
    newest: dict[str, Path] = {}
    for path in sorted(bundled_dir().glob("*.xml*")):
        prefix = path.name.split("_20", 1)[0]  # "ofac_sdn_advanced", "un_consolidated"
        newest[prefix] = path  # sorted, so a later date replaces an earlier one
    return [newest[k] for k in sorted(newest)]
