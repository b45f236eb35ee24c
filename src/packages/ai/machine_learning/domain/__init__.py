"""The machine learning model: training data rules, logistic regression, classifiers."""
