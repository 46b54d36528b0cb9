"""The page a customer answers on (``/r/<token>``) and the path of a response downstream."""
