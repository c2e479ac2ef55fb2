"""Bearing's planning engine: pure Python, no Django.

Takes a `bearing-problem/1` problem and returns a `bearing-plan/1` plan; see DESIGN.md.
"""
