"""Generate a large, realistic gladcfg project: every kind, consistent references,
multilingual answers, a templated file, split into files of at most 1,000 resources.

With ``templated``, values are templated per instance as real fleets write them: the brand
in every team description and answer, the region in every address (about one ``{{ … }}``
expression per resource)."""

from __future__ import annotations

import argparse
from pathlib import Path

# Share of each kind in a project, roughly as a large contact centre has them.
MIX = {
    "audiences": 0.01,
    "teams": 0.04,
    "topics": 0.10,
    "answers": 0.43,
    "business_hours": 0.04,
    "inboxes": 0.08,
    "entry_points": 0.20,
    "auto_reply_rules": 0.10,
}
PER_FILE = 1000
LANGUAGES = ["en-US", "es-US", "fr-CA"]
ZONES = ["America/New_York", "Europe/Dublin", "Asia/Singapore", "America/Los_Angeles"]

PROJECT = """\
version: 1
resources: ["config/**/*.yaml"]
vars: {brand: Bench, region: us}
instances:
  bench:
    adapter: mock
    safety: {min_existing: 1000000}
"""


def counts(total: int) -> dict[str, int]:
    sizes = {kind: max(1, int(total * share)) for kind, share in MIX.items()}
    sizes["answers"] += total - sum(sizes.values()) - 1  # settings is the last one
    return sizes


def resource(kind: str, i: int, n: dict[str, int], templated: bool = False) -> str:
    text = resource_text(kind, i, n)
    return _templated(text) if templated else text


def _templated(text: str) -> str:
    """The same resource with its brand and region values templated: team descriptions,
    each answer's English texts, every address."""
    return (
        text.replace("Support team", "{{ brand }} support team")
        .replace("in en-US: thanks for reaching out", "in en-US: thanks for contacting {{ brand }}")
        .replace('"Hello, here is what we know', '"Hello, {{ brand }} knows this', 1)
        .replace("@bench.example", "@{{ region }}.bench.example")
        .replace("chat-app-", "{{ region }}-chat-app-")
    )


def resource_text(kind: str, i: int, n: dict[str, int]) -> str:
    if kind == "audiences":
        return f"  brand-{i}: {{description: Brand {i} customers}}\n"
    if kind == "teams":
        return f"  team-{i}: {{description: Support team {i}}}\n"
    if kind == "topics":
        parent = f", parent: topic-{i // 10}" if i >= 10 and i % 10 else ""
        return f"  topic-{i}: {{disabled: {str(i % 17 == 0).lower()}{parent}}}\n"
    if kind == "answers":
        lines = [
            f"  answer-{i}:\n",
            f"    audiences: [brand-{i % n['audiences']}]\n",
            "    content:\n",
        ]
        for language in LANGUAGES:
            lines.append(f"      {language}:\n")
            lines.append(
                f'        messaging: "Answer {i} in {language}: thanks for reaching out."\n'
            )
            lines.append("        email:\n")
            lines.append(f'          subject: "About your request ({i})"\n')
            lines.append(f'          body: "Hello, here is what we know about case {i}."\n')
        return "".join(lines)
    if kind == "business_hours":
        return (
            f"  hours-{i}:\n    timezone: {ZONES[i % len(ZONES)]}\n"
            '    weekly: {mon-fri: ["08:00-12:00", "13:00-18:00"], sat: ["10:00-14:00"]}\n'
            "    holidays: [{date: 2026-12-25, name: Christmas Day}]\n"
        )
    if kind == "inboxes":
        teams = f"team-{i % n['teams']}, team-{(i + 1) % n['teams']}"
        return (
            f"  inbox-{i}:\n    teams: [{teams}]\n"
            f"    business_hours: hours-{i % n['business_hours']}\n"
            "    sla: {email: 24h, sms: 15m, chat: 2m, target_percent: 90}\n"
        )
    if kind == "entry_points":
        inbox, audience = i % n["inboxes"], i % n["audiences"]
        if i % 2:
            channel, address = "email", f"support-{i}@bench.example"
        else:
            channel, address = "chat", f"chat-app-{i}"
        return (
            f"  entry-{i}: {{channel: {channel}, address: {address}, inbox: inbox-{inbox}, "
            f"audience: brand-{audience}}}\n"
        )
    # Each rule answers two entry points after hours, so every chat entry point has one.
    first, second = (2 * i) % n["entry_points"], (2 * i + 1) % n["entry_points"]
    return (
        f"  rule-{i}: {{entry_points: [entry-{first}, entry-{second}], "
        f"when: outside_business_hours, answer: answer-{i % n['answers']}, enabled: true}}\n"
    )


def generate(root: Path, total: int, *, templated: bool = False) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "gladcfg.yaml").write_text(PROJECT)
    config = root / "config"
    config.mkdir(exist_ok=True)
    (config / "settings.yaml").write_text(
        "settings:\n  default_language: en-US\n  languages: [en-US, es-US, fr-CA]\n"
        "  timezone: America/New_York\n"
        "audiences:\n  brand-main: {description: '{{ brand }} customers'}\n"
    )
    n = counts(total)
    n["audiences"] -= 1  # brand-main above is the templated one
    for kind, count in n.items():
        for start in range(0, count, PER_FILE):
            body = "".join(
                resource(kind, i, n, templated) for i in range(start, min(count, start + PER_FILE))
            )
            (config / f"{kind}-{start // PER_FILE:03d}.yaml").write_text(f"{kind}:\n{body}")
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--resources", type=int, default=10_000)
    parser.add_argument("--templated", action="store_true", help="Template most values.")
    args = parser.parse_args()
    generate(args.folder, args.resources, templated=args.templated)


if __name__ == "__main__":
    main()
