"""The anomaly detection model: pure scoring functions and the column scan."""
