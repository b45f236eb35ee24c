"""Data processing domains: data quality, anomaly detection and data science."""
