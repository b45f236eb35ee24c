"""AI domains: machine learning (training, prediction) and MLOps (deployments)."""
