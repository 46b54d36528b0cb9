"""The web console: server-rendered pages for people, built on the other services' APIs."""
