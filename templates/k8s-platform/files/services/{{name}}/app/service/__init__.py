"""A small HTTP service that behaves well on Kubernetes."""
