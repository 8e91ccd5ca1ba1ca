"""The baseline skill, shaped like Amazon's fact sample (see ``lambda_function.py``)."""
