"""Instruction plans: the project, the instructor weeks and the key persons."""
