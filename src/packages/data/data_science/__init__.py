"""Data science: turning raw datasets into data a model can learn from.

Owns the cleaning rules (drop incomplete and duplicate rows) and feature preparation
(min-max scaling). Registered as ``("data_science", "cleaner")``: a
:class:`~data.data_science.application.cleaning.DataCleaningService`.
"""
