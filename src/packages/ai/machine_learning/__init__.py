"""Machine learning: training binary classifiers and predicting with them.

Owns logistic regression (plain-Python batch gradient descent), the rules for what a
training dataset must look like, and the trained models with their per-target
versions. Registered as ``("machine_learning", "trainer")``: a
:class:`~ai.machine_learning.application.training.TrainingService`, which announces
each model with a ``ModelTrained`` event.
"""
