"""The grader's code inside the test process, loaded by ``-p`` before any answer.

Read :mod:`.plugin` first (the pytest hooks, and what happens in which order), then
:mod:`.wire` (what the grader and the plugin say to each other). The rest are the
plugin's parts: :mod:`.audit` (the audit hook), :mod:`.imports` (the import watch and
the blame), :mod:`.snapshot` (the integrity snapshot) and :mod:`.failures` (the text of
a failure). Standard library and pytest only: nothing else is imported here.
"""
