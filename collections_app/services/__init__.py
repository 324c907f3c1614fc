"""Every change of state goes through a function here (`case_*`, `payment_*`, `promise_*`, ...).

`grep -rn "def case_"` lists every way a case can change. Each runs in `transaction.atomic()` and
enqueues side effects with `transaction.on_commit`.
"""
