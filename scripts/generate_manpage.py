#!/usr/bin/env python3
"""Write driftd's man page (roff, section 1) from its argument parser.

    scripts/generate_manpage.py BINARY [-o driftd.1]

Reads `BINARY --experimental-dump-help` (swift-argument-parser's JSON dump of the whole command
tree) and `BINARY --version`, and writes NAME, SYNOPSIS, DESCRIPTION, OPTIONS, one section per
subcommand (nested subcommands as subsections) with their arguments, options and help, then
EXIT STATUS, FILES and SEE ALSO. Python 3 standard library only. The date is taken from
SOURCE_DATE_EPOCH when it is set, so that the page is reproducible.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys

# Flags every command inherits; they are described once, under OPTIONS.
INHERITED = {"help", "version"}

FILES = [
    ("/usr/bin/driftd", "The program."),
    ("/etc/driftd/rules.d/*.json",
     "Rule files of driftd.service, one monitor per file (driftd run --rules). "
     "The folder is created empty by the package."),
    ("/etc/driftd/NAME.d/*.json, /etc/driftd/NAME.env",
     "Rule files and DRIFTD_LISTEN=HOST:PORT of the instance driftd@NAME.service."),
    ("/var/lib/driftd/",
     "The daemon's state (driftd.sqlite: windows, alerts, webhook outbox, model registry); "
     "/var/lib/driftd/NAME/ for driftd@NAME. Removed when the package is purged."),
    ("/lib/systemd/system/driftd.service, /lib/systemd/system/driftd@.service",
     "The systemd units (hardened, Type=notify, with a watchdog)."),
    ("/usr/lib/sysusers.d/driftd.conf", "The driftd system user and group."),
    ("/usr/lib/tmpfiles.d/driftd.conf", "Creates /etc/driftd/rules.d and /var/lib/driftd."),
    ("/usr/lib/systemd/catalog/driftd.catalog",
     "What each alert means and what to do, shown by journalctl -x."),
    ("/usr/share/doc/driftd/examples/",
     "Example rule files, the rule files' JSON Schema and the sample streams they read."),
]

SEE_ALSO = ["systemctl(1)", "journalctl(1)", "systemd.service(5)", "systemd.exec(5)",
            "sysusers.d(5)", "tmpfiles.d(5)"]


def esc(text):
    """Escape text for roff: backslashes, hyphens (so options copy and paste), and control
    characters at the start of a line."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    lines = []
    for line in text.split("\n"):
        if line.startswith((".", "'")):
            line = "\\&" + line
        lines.append(line)
    return "\n".join(lines)


def paragraphs(text):
    """roff for a help text: blank lines separate paragraphs, other line breaks are kept as
    breaks only where the text indents (lists), else they are filled."""
    out = []
    for block in text.strip().split("\n\n"):
        lines = [l.rstrip() for l in block.split("\n") if l.strip()]
        if not lines:
            continue
        if out:
            out.append(".PP")
        if any(l.startswith((" ", "\t")) for l in lines[1:]):
            out.append(".nf")
            out.extend(esc(l) for l in lines)
            out.append(".fi")
        else:
            out.append(esc(" ".join(l.strip() for l in lines)))
    return out


def option_names(arg):
    names = []
    for name in arg.get("names", []):
        if name["kind"] == "short":
            names.append("-" + name["name"])
        elif name["kind"] == "longWithSingleDash":
            names.append("-" + name["name"])
        else:
            names.append("--" + name["name"])
    return names


def is_inherited(arg):
    return arg["kind"] == "flag" and any(n["name"] in INHERITED for n in arg.get("names", []))


def visible(arg):
    return arg.get("shouldDisplay", True)


def synopsis_item(arg):
    """One argument in a synopsis line, in roff."""
    value = "\\fI" + esc(arg.get("valueName", "value")) + "\\fR"
    if arg["kind"] == "positional":
        item = value
        if arg.get("isRepeating"):
            item += " \\&..."
    else:
        names = option_names(arg)
        long_names = [n for n in names if n.startswith("--")] or names
        item = "\\fB" + esc(long_names[0]) + "\\fR"
        if arg["kind"] == "option":
            item += " " + value
        if arg.get("isRepeating"):
            item += " \\&..."
    if arg.get("isOptional"):
        item = "[" + item + "]"
    return item


def argument_entry(arg):
    """A .TP entry for one argument: its names and value, then its help."""
    lines = [".TP"]
    value = "\\fI" + esc(arg.get("valueName", "value")) + "\\fR"
    if arg["kind"] == "positional":
        head = value + (" \\&..." if arg.get("isRepeating") else "")
    else:
        names = ", ".join("\\fB" + esc(n) + "\\fR" for n in option_names(arg))
        head = names + (" " + value if arg["kind"] == "option" else "")
    lines.append(head)
    help_text = arg.get("abstract", "").strip()
    extra = []
    if arg.get("defaultValue") is not None:
        extra.append("Default: %s." % arg["defaultValue"])
    if (arg.get("isRepeating") and arg["kind"] != "positional"
            and "repeatable" not in help_text):
        extra.append("May be given more than once.")
    if arg["kind"] == "positional" and not arg.get("isOptional"):
        extra.append("Required.")
    elif arg["kind"] == "option" and not arg.get("isOptional"):
        extra.append("Required.")
    body = " ".join(p for p in [help_text] + extra if p)
    lines.extend(paragraphs(body) if body else [])
    if arg.get("discussion"):
        lines.append(".IP")
        lines.extend(paragraphs(arg["discussion"]))
    return lines


def command_path(command, parents):
    return " ".join(parents + [command["commandName"]])


def synopsis_line(command, parents):
    args = [a for a in command.get("arguments", []) if visible(a) and not is_inherited(a)]
    parts = ["\\fB" + esc(command_path(command, parents)) + "\\fR"]
    if command.get("subcommands"):
        parts.append("\\fIcommand\\fR")
    parts.extend(synopsis_item(a) for a in args)
    return " ".join(parts)


def leaf_commands(command, parents):
    """(command, parents) for every command that runs something, depth first."""
    result = []
    for sub in command.get("subcommands", []):
        if not sub.get("shouldDisplay", True):
            continue
        result.append((sub, parents))
        result.extend(leaf_commands(sub, parents + [sub["commandName"]]))
    return result


def command_body(command, parents, heading):
    out = [heading]
    out.append(".PP")
    out.append(synopsis_line(command, parents))
    if command.get("abstract"):
        out.append(".PP")
        out.extend(paragraphs(command["abstract"]))
    if command.get("discussion"):
        out.append(".PP")
        out.extend(paragraphs(command["discussion"]))
    args = [a for a in command.get("arguments", []) if visible(a) and not is_inherited(a)]
    for arg in args:
        out.extend(argument_entry(arg))
    subs = [s for s in command.get("subcommands", []) if s.get("shouldDisplay", True)]
    if subs:
        out.append(".PP")
        out.append("Commands: " + ", ".join("\\fB" + esc(s["commandName"]) + "\\fR" for s in subs)
                   + ", described below.")
    return out


def manpage(dump, version, date):
    root = dump["command"]
    name = root["commandName"]
    out = []
    out.append('.\\" Generated by scripts/generate_manpage.py from `%s --experimental-dump-help`;'
               % name)
    out.append('.\\" do not edit.')
    out.append('.TH %s 1 "%s" "%s %s" "User Commands"' % (name.upper(), date, name, esc(version)))
    out.append(".SH NAME")
    abstract = root.get("abstract", "").strip().rstrip(".")
    out.append("%s \\- %s" % (esc(name), esc(abstract[:1].lower() + abstract[1:])))

    out.append(".SH SYNOPSIS")
    # No hyphenation of option names, and ragged right so that the long lines break between
    # options.
    out.append(".nh")
    out.append(".ad l")
    first = True
    for command, parents in leaf_commands(root, [name]):
        if command.get("subcommands"):
            continue
        if not first:
            out.append(".br")
        first = False
        out.append(synopsis_line(command, parents))
    out.append(".br")
    out.append("\\fB%s\\fR [\\fB\\-\\-version\\fR] [\\fB\\-\\-help\\fR]" % esc(name))

    out.append(".ad b")
    out.append(".SH DESCRIPTION")
    out.extend(paragraphs(root.get("abstract", "")))
    out.append(".PP")
    # Written as roff directly (it uses fonts).
    out.append(
        "driftd reads the JSON Lines logs a model service writes (predictions, and later labels) "
        "and tells when the data or the model has drifted: PSI, Kolmogorov\\-Smirnov, chi\\-squared, "
        "Jensen\\-Shannon and Wasserstein on features and predictions, windowed performance once "
        "labels arrive, and concept drift detectors.\n"
        "Each monitor is described by one rule file (JSON).\n"
        "\\fBdriftd check\\fR validates rule files, \\fBdriftd replay\\fR runs a rule over "
        "whole files, and \\fBdriftd run\\fR is the daemon, normally started by systemd as "
        "\\fIdriftd.service\\fR, which writes alerts to the journal "
        "(\\fBjournalctl \\-t driftd \\-x\\fR) and to webhooks, and serves /metrics, "
        "/healthz and /status on 127.0.0.1:9464.")

    out.append(".SH OPTIONS")
    out.append("These options are accepted by every command.")
    for arg in root.get("arguments", []):
        if visible(arg):
            out.extend(argument_entry(arg))

    for command, parents in leaf_commands(root, [name]):
        path = command_path(command, parents)
        if len(parents) == 1:
            heading = '.SH "%s"' % esc(path.upper())
        else:
            heading = '.SS "%s"' % esc(path)
        out.extend(command_body(command, parents, heading))

    out.append(".SH EXIT STATUS")
    out.extend(paragraphs(
        "0 on success; 1 for invalid rules, unreadable input, or alerts that a sink did not take; "
        "3 from replay with the fail-on-drift flag when drift was found; 64 for a usage error."))

    out.append(".SH FILES")
    for path, text in FILES:
        out.append(".TP")
        out.append("\\fI" + esc(path) + "\\fR")
        out.extend(paragraphs(text))

    out.append(".SH SEE ALSO")
    see = ["\\fB%s\\fR(%s)" % (esc(e.split("(")[0]), e.split("(")[1].rstrip(")")) for e in SEE_ALSO]
    out.append(",\n".join(see))
    out.append(".PP")
    out.append("/usr/share/doc/driftd/README.md and the documents beside it (rules.md, daemon.md, "
               "systemd.md, alerts.md, metrics.md, retrain.md, tailing.md).")
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("binary", help="the driftd binary")
    parser.add_argument("-o", "--output", help="write here instead of standard output")
    args = parser.parse_args()

    dump = json.loads(subprocess.run([args.binary, "--experimental-dump-help"], check=True,
                                     capture_output=True, text=True).stdout)
    version = subprocess.run([args.binary, "--version"], check=True, capture_output=True,
                             text=True).stdout.strip()
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = (datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc) if epoch
            else datetime.datetime.now(datetime.timezone.utc))
    page = manpage(dump, version, when.strftime("%Y-%m-%d"))
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(page)
    else:
        sys.stdout.write(page)


if __name__ == "__main__":
    main()
