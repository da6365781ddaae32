"""The questionnaire and its answers: instrument, survey exports, platforms, mapping, scoring, simulation."""
