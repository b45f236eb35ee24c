"""nbgrader: sources in solutions/, releases in exercises/ (see the instructor guide)."""

c = get_config()  # type: ignore[name-defined]  # noqa: F821 - provided by nbgrader

c.CourseDirectory.course_id = "hexagon-integration"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
# Never released: hidden tests, reference answers, explanations shown after grading,
# the authors' traceability table and audit marks,
# learners' workspaces, caches.
c.CourseDirectory.ignore = [
    ".ipynb_checkpoints",
    "*.pyc",
    "__pycache__",
    "feedback",
    "hidden",
    "reference",
    "explanations.md",
    "TRACEABILITY.md",
    "audit.toml",
    "workspace",
    ".grader-state.json",
]
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
# The graded cell runs the grader, which has its own per-test and total limits.
c.ExecutePreprocessor.timeout = 600
