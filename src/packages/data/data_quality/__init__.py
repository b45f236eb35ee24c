"""Data quality: whether a dataset is fit for use.

Owns column schemas (type, required, range, allowed values) and the rules that check a
dataset against them, or, without a schema, for missing values and mixed types.
Registered as ``("data_quality", "validator")``: a
:class:`~data.data_quality.application.validation.DatasetValidationService`.
"""
