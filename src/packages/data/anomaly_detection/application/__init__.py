"""The anomaly detection service, implementing the ``AnomalyDetector`` port."""
