"""Analyses over the engine's ballots and results: slates and transfers, pivotal blocs, forecasts
and regions. Pure Python and NumPy, no Django; ``tallyroom analyse`` runs them (docs/analysis.md).

- ``slates``, ``transfers``, ``report``: seats, first preferences and transfers by slate;
- ``charts``: the flow of a count and bar charts as SVG, each with its table;
- ``power``: Banzhaf and Shapley-Shubik indices of weighted voting games, one or two colleges;
- ``pivotal``: counterfactual recounts: which delegations decided a seat;
- ``forecast``: Monte Carlo from canvass returns through the engine's exact counts;
- ``regions``: first preferences and final results by region, small regions merged.
"""
