//! Test PKI (under construction in this commit).
