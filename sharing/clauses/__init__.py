"""One module per clause kind; each is a set of pure steps on one year's arrays.

``engine.py`` alone knows the order of a year (semantics §3).
"""
