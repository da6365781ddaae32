"""The research notebooks' steps: questionnaire validity, the thesis-style analysis, APA tables, references."""
