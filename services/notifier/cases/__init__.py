"""Close-the-loop cases: opened by low-score signals, worked by people, reminded once when overdue.

``opening`` (a signal opens or corrects its case), ``actions`` (acknowledge, assign, note, resolve,
reopen), ``views`` (who may see which case; the lists), ``playbooks`` (their use cases and matching),
``reminders`` (the overdue job and its email), ``erasure`` (a customer's text removed from cases).
"""
