"""The case engine's actions, one module for each part of a case's life (what a person does).

* `submission` — an application is created (window, portal, proxy, batch) or a draft submitted.
* `intake` — the window accepts, asks once for everything missing, refuses, pre-reviews.
* `tasks` — the back office: routing, claiming and finishing tasks, sending back,
  inspections, reporting to the upper center.
* `clock` — suspensions, resumption and extensions, and the deadlines they move.
* `decision` — the decision, completion, delivery, closing, and the exits before a decision.

Every action is one `transaction.atomic` that locks what it changes (`cases.locks`),
checks the rules (`cases.rules`) before its first write, and appends exactly one chained
event per case it changes (`cases.events`). Import them from `onewindow.cases.services`.
"""
