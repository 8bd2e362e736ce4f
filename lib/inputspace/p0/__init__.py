"""p0: the quick model zoo that every quick-profile notebook analyses (not a paper).

``knobs``     the zoo (architecture, data set, recipe), the 97 % accuracy bar, the notebook's knobs
``cost``      what training each model costs (its order) and what p0-00 holds on the GPU
``training``  train or load every zoo model of a profile (``inputspace.zoo`` does the work)
``tables``    the accuracy table and the models below the bar
``plots``     the accuracy bar chart of p0-00
"""
