"""Response webhooks: endpoints customers register (``endpoints``), events enqueued in the
transaction of what caused them (``emission``), the delivery log and replays (``deliveries``), and
the outbox handler the worker runs to send them (``sending``)."""
