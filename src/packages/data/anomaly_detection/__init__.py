"""Anomaly detection: which numeric values stand out from the rest of their column.

Owns the scoring rules (a leave-one-out z-score and Tukey's IQR fences) and the
detector that applies them to every numeric column of a dataset. Registered as
``("anomaly_detection", "detector")``: an
:class:`~data.anomaly_detection.application.detection.AnomalyDetectionService`.
"""
