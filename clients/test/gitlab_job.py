#!/usr/bin/env python3
"""Renders a job of the GitLab component (clients/gitlab/dolly-clone.yml) the way GitLab does — spec inputs
interpolated ($[[ inputs.x ]], defaults from the spec), `extends:` merged — and prints one part of it as a bash
script: `variables` (export lines), `script` (before_script + script, as the runner joins them) or `after_script`.

usage: gitlab_job.py <component.yml> <job> <variables|script|after_script> [input=value …]
"""
import re
import shlex
import sys

import yaml


def render(path, inputs):
    spec_text, jobs_text = open(path, encoding="utf-8").read().split("\n---\n", 1)
    spec = yaml.safe_load(spec_text)["spec"]["inputs"]
    values = {}
    for name, s in spec.items():
        if name in inputs:
            values[name] = inputs[name]
        elif s and "default" in s:
            values[name] = str(s["default"])
        else:
            sys.exit(f"input {name} is required")
    unknown = set(inputs) - set(spec)
    if unknown:
        sys.exit(f"unknown inputs: {sorted(unknown)}")
    text = re.sub(r"\$\[\[\s*inputs\.([a-z0-9_-]+)\s*\]\]", lambda m: values[m.group(1)], jobs_text)
    return yaml.safe_load(text)


def job(jobs, name):
    j = dict(jobs[name])
    parent = j.pop("extends", None)
    if parent:
        merged = dict(job(jobs, parent))
        variables = {**merged.get("variables", {}), **j.get("variables", {})}
        merged.update(j)
        merged["variables"] = variables
        return merged
    return j


def lines(v):
    return [] if v is None else [v] if isinstance(v, str) else list(v)


def main():
    path, name, part = sys.argv[1:4]
    inputs = dict(a.split("=", 1) for a in sys.argv[4:])
    j = job(render(path, inputs), name)
    if part == "variables":
        # GitLab expands $VARS in variables: values; so does bash for a double-quoted value
        for k, v in j.get("variables", {}).items():
            print(f'export {k}="{v}"')
    elif part == "script":
        print("\n".join(lines(j.get("before_script")) + lines(j.get("script"))))
    elif part == "after_script":
        print("\n".join(lines(j.get("after_script"))))
    elif part == "dotenv":
        print(j["artifacts"]["reports"]["dotenv"])
    else:
        sys.exit(f"unknown part {part}")


if __name__ == "__main__":
    main()
