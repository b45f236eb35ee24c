"""The training service (the ``ModelTrainer`` port) and the model repository port."""
