//! Helpers for the cross-cutting tests.
