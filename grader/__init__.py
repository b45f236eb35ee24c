"""The autograder: pytest plus the boundary contracts on learner submissions.

Laid out like import-linter's own code: ``domain`` (what an exercise, a submission
and a result are), ``application`` (the use cases and the ports they need),
``adapters`` (pytest, import-linter, the file system, report formats), and one
wiring point, :mod:`grader.configuration`.
"""
