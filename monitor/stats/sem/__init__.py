"""Structural equation models from lavaan syntax: parser, ordinal statistics, the RAM engine, fit, CFA."""
