"""My answers to the knowledge check: the set of right option letters per question."""

Q1 = {"a", "c", "d"}
Q2 = {"b", "d"}
Q3 = {"a", "c", "e"}
Q4 = {"a", "b", "d"}
Q5 = {"a", "c", "e"}
