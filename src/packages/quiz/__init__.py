"""The course's knowledge check: learners' answers land here. Not a domain."""
