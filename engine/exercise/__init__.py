"""Backprop exercises: a graph with blanks a student fills in, checked, diagnosed and graded.

The ``exercise`` block of a graph file says what is blank, which values are drawn at random per
student and how strictly answers are compared; the engine computes every answer from the graph
(answers.py), so a file never holds its own key.
"""
