"""What a shell command line does, for VS Code tasks and npm lifecycle scripts.

Tokens, not a shell: the command is split the way a shell would (shlex, falling back to
whitespace), then read for downloaders, pipes into an interpreter, decoders, inline code and
``node``/``python`` runs of files that are not scripts by their name.
"""

from __future__ import annotations

import re
import shlex

_DOWNLOADERS = {
    "curl",
    "wget",
    "iwr",
    "irm",
    "invoke-webrequest",
    "invoke-restmethod",
    "certutil",
    "bitsadmin",
    "start-bitstransfer",
}
_SHELLS = {"sh", "bash", "zsh", "dash", "iex", "invoke-expression", "python", "python3", "node"}
_DECODE = re.compile(r"base64\s+(-d|--decode)|frombase64string|\batob\b|-enc(odedcommand)?\b", re.I)
_DOWNLOAD_CALL = re.compile(r"downloadstring|downloadfile|net\.webclient|urlretrieve", re.I)
_INLINE_FLAGS = {"-e", "--eval", "-p", "--print", "-c"}
_SCRIPT_EXT = re.compile(r"\.(c|m)?(j|t)sx?$|\.py$|\.sh$", re.I)
_RISKY_INLINE = re.compile(
    r"https?:|child_process|\beval\(|Function\(|\batob\b|base64|\bexec(Sync)?\(|\bspawn|urlopen|b64decode"
)
_RUNNERS = {"node", "nodejs", "python", "python3", "deno", "bun"}


def _tokens(command: str) -> list[str]:
    try:
        return shlex.split(command, posix=True)
    except ValueError:
        return command.split()


def _base(token: str) -> str:
    name = token.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return name[:-4] if name.endswith(".exe") else name


def disguised_runs(command: str) -> list[str]:
    """Files given to node/python whose name is not a script (a 'font', an 'image')."""
    found: list[str] = []
    toks = _tokens(command)
    for i, tok in enumerate(toks[:-1]):
        if _base(tok) not in _RUNNERS:
            continue
        for arg in toks[i + 1 :]:
            if arg in _INLINE_FLAGS:
                break
            if arg.startswith("-"):
                continue
            if "." in arg.rsplit("/", 1)[-1] and not _SCRIPT_EXT.search(arg):
                found.append(arg)
            break
    return found


def script_targets(command: str) -> list[str]:
    """Script files a command runs with node/python (``node scripts/setup.js``)."""
    found: list[str] = []
    toks = _tokens(command)
    for i, tok in enumerate(toks[:-1]):
        if _base(tok) in _RUNNERS:
            for arg in toks[i + 1 :]:
                if arg in _INLINE_FLAGS:
                    break
                if not arg.startswith("-"):
                    found.append(arg)
                    break
    return found


def risks(command: str) -> list[str]:
    """Why a command that runs by itself is dangerous; empty when it looks ordinary."""
    reasons: list[str] = []
    low = command.lower()
    toks = [_base(t) for t in _tokens(command)]
    if any(t in _DOWNLOADERS for t in toks) or _DOWNLOAD_CALL.search(low):
        reasons.append("downloads")
    pipes = re.findall(r"\|\s*([\w.\-/\\]+)", low)
    if any(_base(p) in _SHELLS for p in pipes):
        reasons.append("pipes into an interpreter")
    if _DECODE.search(command):
        reasons.append("decodes")
    raw = _tokens(command)
    for i, tok in enumerate(toks[:-2]):
        if tok in _RUNNERS and toks[i + 1] in _INLINE_FLAGS and _RISKY_INLINE.search(raw[i + 2]):
            reasons.append("runs inline code that fetches, decodes or spawns")
            break
    if ("powershell" in toks or "pwsh" in toks) and re.search(r"-w(indowstyle)?\s+hidden", low):
        reasons.append("hidden PowerShell window")
    disguised = disguised_runs(command)
    if disguised:
        reasons.append(f"runs a non-script file as code ({disguised[0]})")
    return reasons
