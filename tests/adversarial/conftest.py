"""The adversarial suite: its course and attack folders are data, not tests to collect."""

collect_ignore = ["course", "attacks"]
